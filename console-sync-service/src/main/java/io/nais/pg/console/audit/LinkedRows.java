package io.nais.pg.console.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * A batch of linked audit rows as the sixteen parallel text arrays of
 * {@code AuditStore}'s multi-row INSERT ({@code unnest}), column by column
 * in its column order: one statement and one round trip for the whole batch.
 */
final class LinkedRows {

    private final List<List<String>> columns = new ArrayList<>();

    LinkedRows(int rows) {
        for (int c = 0; c < 16; c++) {
            columns.add(new ArrayList<>(rows));
        }
    }

    void add(String chain, long seq, UUID eventId, AuditEntry e, String previous, String hash) {
        put(eventId, e.time(), e.team(), e.clusterId(), e.person(), e.kind(), e.detail(), e.sessionId(),
                e.statement(), e.parameterCount(), e.bytesFromClient(), e.bytesToClient(), chain, seq, previous, hash);
    }

    /** The arrays, as the INSERT's parameters. */
    Object[] columns() {
        return columns.stream().map(column -> column.toArray(String[]::new)).toArray();
    }

    private void put(Object... values) {
        for (int c = 0; c < values.length; c++) {
            // Instant.toString() is ISO-8601, which timestamptz reads back to the same microsecond.
            columns.get(c).add(values[c] == null ? null : Objects.toString(values[c]));
        }
    }
}
