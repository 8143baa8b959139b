/**
 * Personal roles in every cluster, following team membership within a second;
 * and what each pass checks besides: that people can log in only through the
 * gateway, that no person keeps a password, and what a DBA changed during a grant.
 * {@code intake} turns events into marks, {@code pass} turns marks into roles,
 * {@code model} decides without I/O; this package holds only their settings.
 * See {@code DESIGN.md} beside this file for the layers, the flow and the key decisions.
 */
package io.nais.pg.access.provisioning;
