package io.nais.pg.events;

import java.time.Instant;
import java.util.UUID;

/**
 * Audit of one statement a person ran through the gateway (optional per
 * cluster). {@code statement} is the SQL text, cut short when {@code truncated};
 * bind parameter values are never recorded, only their count. The producer
 * redacts literals that could carry credentials (e.g. {@code PASSWORD '…'}).
 * Key: the cluster id.
 */
public record StatementExecuted(String clusterId, UUID sessionId, String email, String statement, boolean truncated,
        int parameterCount, Instant executedAt) implements PlatformEvent {

    public StatementExecuted {
        Require.clusterId(clusterId, "StatementExecuted.clusterId");
        Require.present(sessionId, "StatementExecuted.sessionId");
        email = Emails.normalise(Require.text(email, "StatementExecuted.email"));
        Require.present(statement, "StatementExecuted.statement");
        Require.notNegative(parameterCount, "StatementExecuted.parameterCount");
        Require.present(executedAt, "StatementExecuted.executedAt");
    }

    @Override
    public String aggregateId() {
        return clusterId;
    }
}
