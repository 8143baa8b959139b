/**
 * The server-rendered console (Qute): {@code /console} (your teams), {@code /console/teams/{team}} (clusters table
 * with status badges), {@code /console/teams/{team}/{app}} (access, pending DBA requests, grants with time left,
 * backups, restore check, audit timeline) and its actions ({@link io.nais.pg.console.web.ConsoleActions}).
 *
 * <p>Key decisions:
 * <ul>
 *   <li><b>Sign-in.</b> A person signs in with the OIDC authorization code flow (PKCE) of the {@code console} tenant
 *       ({@code quarkus.oidc.console.*}, paths {@code /console*}); the session is Quarkus OIDC's encrypted,
 *       HttpOnly, Secure, SameSite=Lax cookie. {@code /api} stays bearer-only (the default tenant): no cookie ever
 *       authenticates an API call.</li>
 *   <li><b>Actions are the peers' APIs.</b> Approve, deny, revoke, backup now and restore check call
 *       dba-grant-service and backup-service with the person's own access token ({@link
 *       io.nais.pg.console.web.PeerApis}); the console adds no rule of its own and shows the reason a peer gives.</li>
 *   <li><b>CSRF.</b> Every form carries a token bound to the browser session and the person
 *       ({@link io.nais.pg.console.web.CsrfTokens}); an action without it is refused with 403 before any peer is
 *       called.</li>
 *   <li><b>Nothing runs in the page.</b> Qute escapes every value; the CSP allows the console's own stylesheet and
 *       nothing else (no script), and forbids framing.</li>
 * </ul>
 */
package io.nais.pg.console.web;
