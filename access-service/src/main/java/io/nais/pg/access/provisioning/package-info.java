/**
 * Personal roles in every cluster, following team membership within a second.
 * See {@code DESIGN.md} beside this file for the flow and the key decisions.
 */
package io.nais.pg.access.provisioning;
