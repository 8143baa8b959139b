/**
 * The server-rendered console (Qute): {@code /console} (your teams),
 * {@code /console/teams/{team}} (clusters table with status badges),
 * {@code /console/teams/{team}/{app}} (access, grants with time left,
 * backups, restore check, audit timeline).
 *
 * <p>Key decision on authentication: the page takes the same bearer token as
 * the API; in production it sits behind the platform's login proxy, which
 * forwards {@code Authorization}. {@code ?token=} is accepted only where
 * {@code nais.console.web.query-token-enabled=true} (the test profile), for
 * headless Chromium; a token in a URL would leak into history and logs.
 */
package io.nais.pg.console.web;
