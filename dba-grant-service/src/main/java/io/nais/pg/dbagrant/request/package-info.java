/**
 * Filing DBA access requests and the {@code dba_grant} table.
 *
 * <p>Decisions: a request comes through the API (rules checked against the
 * verified token) or as a DbaAccessRequested event (no token, so the DBA group
 * is the topic ACL's job; a request breaking another rule is denied at once
 * with DbaAccessDenied by the service identity). The service consumes its
 * own topic too, so an event whose grant id exists already is its own echo and
 * is skipped. Every state change is a conditional UPDATE on the expected state
 * plus an outbox row in the same transaction: no change without its event.
 */
package io.nais.pg.dbagrant.request;
