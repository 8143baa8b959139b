/**
 * The pure rules of DBA access (no I/O, plain JUnit tests): a request needs the
 * DBA group claim, a reason of at least ten characters and a duration within
 * the maximum; a decision needs a member of the owning team who is not the
 * requester, on a request that is still open and younger than the pending TTL.
 * Every breach is a {@link io.nais.pg.dbagrant.model.Refusal} naming the rule,
 * which the API turns into a 4xx JSON answer.
 */
package io.nais.pg.dbagrant.model;
