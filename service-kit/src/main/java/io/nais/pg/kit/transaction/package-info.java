/**
 * Work tied to the outcome of the current JTA transaction.
 * {@link io.nais.pg.kit.transaction.AfterCommit} runs an action after the commit
 * and never after a rollback: a consumer marks work in its transaction and wakes
 * the worker only once the marks are visible to it.
 */
package io.nais.pg.kit.transaction;
