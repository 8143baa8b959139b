/**
 * Connections to the source and the target. Decisions:
 * <ul>
 * <li>The source's credentials come from a URL, {@code env:VAR} or {@code file:PATH};
 *     whatever the form, the password is held by {@link io.nais.pg.migration.connect.Endpoint}
 *     only, printed masked, and handed to pg_dump through {@code PGPASSWORD}.</li>
 * <li>Connection failures are classified by SQLSTATE class (08, 28, 3D000), never by message text.</li>
 * <li>The target is the cluster's admin login: {@code Migration} refuses it unless it says
 *     {@code sslmode=verify-full}, so the password never goes to a server that did not prove itself.
 *     Every session, pgjdbc's and the tools', starts with {@code search_path=pg_catalog,pg_temp}.</li>
 * <li>Every connection sets the same output settings (time zone, date style, float digits,
 *     bytea output), so a row's text form is the same on both servers: the verification
 *     hashes that text.</li>
 * </ul>
 */
package io.nais.pg.migration.connect;
