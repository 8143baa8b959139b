package io.nais.pg.kit.outbox;

import java.util.UUID;

/**
 * CDI event fired by {@link Outbox#publish} inside the caller's transaction;
 * the relay observes it after a successful commit and wakes up at once.
 */
public record OutboxWritten(UUID eventId) {
}
