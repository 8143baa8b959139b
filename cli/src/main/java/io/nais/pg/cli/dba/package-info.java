/**
 * {@code nais postgres dba …}: the client of dba-grant-service's grants API
 * (config key {@code dba.url}). It sends the person's current token (renewed
 * like every other command's) and shows the service's refusal message as is,
 * mapping 401/403/404 to the CLI's exit codes.
 */
package io.nais.pg.cli.dba;
