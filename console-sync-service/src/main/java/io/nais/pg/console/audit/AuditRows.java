package io.nais.pg.console.audit;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;

import io.nais.pg.console.jdbc.Jdbc;

/** The stored audit row and its mapping, shared by the store, the queries and the verifier. */
final class AuditRows {

    /** Every column of a stored row, in the order {@link #stored} reads them (also an INSERT's RETURNING list). */
    static final String NAMES = "id, event_id, occurred_at, team, cluster_id, person, kind, detail, session_id, "
            + "statement, parameter_count, bytes_from_client, bytes_to_client, chain_key, chain_seq, prev_hash, hash";

    static final String COLUMNS = "SELECT " + NAMES + " FROM console_audit";

    /** A row with its link in the chain; the link fields are null until the row is linked. */
    record Stored(UUID eventId, AuditEntry entry, String chain, Long seq, String previous, String hash) {
    }

    private AuditRows() {
    }

    static AuditEntry entry(ResultSet row) throws SQLException {
        return new AuditEntry(row.getLong("id"), Jdbc.instant(row, "occurred_at"), row.getString("team"),
                row.getString("cluster_id"), row.getString("person"), row.getString("kind"), row.getString("detail"),
                (UUID) row.getObject("session_id"), row.getString("statement"),
                (Integer) row.getObject("parameter_count"), (Long) row.getObject("bytes_from_client"),
                (Long) row.getObject("bytes_to_client"));
    }

    static Stored stored(ResultSet row) throws SQLException {
        return new Stored((UUID) row.getObject("event_id"), entry(row), row.getString("chain_key"),
                (Long) row.getObject("chain_seq"), row.getString("prev_hash"), row.getString("hash"));
    }
}
