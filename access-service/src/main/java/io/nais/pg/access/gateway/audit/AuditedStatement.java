package io.nais.pg.access.gateway.audit;

import io.nais.pg.events.StatementExecuted;
import java.time.Instant;
import java.util.UUID;

/**
 * One statement the tap saw, as handed from the event loop to the audit thread;
 * turned into the {@link StatementExecuted} event there.
 */
public record AuditedStatement(UUID sessionId, String clusterId, String email, StatementText text, int parameterCount,
                               Instant executedAt) {

    StatementExecuted toEvent() {
        return new StatementExecuted(clusterId, sessionId, email, text.text(), text.truncated(), parameterCount,
                executedAt);
    }
}
