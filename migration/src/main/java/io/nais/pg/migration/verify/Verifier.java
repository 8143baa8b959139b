package io.nais.pg.migration.verify;

import io.nais.pg.migration.MigrationException;
import io.nais.pg.migration.MigrationException.Failure;
import io.nais.pg.migration.connect.Endpoint;
import io.nais.pg.migration.plan.SequenceInfo;
import io.nais.pg.migration.plan.TableInfo;
import io.nais.pg.migration.verify.VerificationReport.SequenceResult;
import io.nais.pg.migration.verify.VerificationReport.TableResult;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Compares the target with the source: the tables and sequences of the source
 * (as read by the plan) against the same names on the target. Both servers
 * compute at the same time, one connection each, each in one REPEATABLE READ
 * snapshot so a table's figures are consistent.
 */
public final class Verifier {

    private static final String SEQUENCE_VALUES = "SELECT pg_catalog.concat_ws('.', schemaname, sequencename), last_value FROM pg_catalog.pg_sequences";

    private Verifier() {
    }

    public static VerificationReport verify(Endpoint source, Endpoint target, List<TableInfo> tables, List<SequenceInfo> sequences) {
        long start = System.nanoTime();
        CompletableFuture<Side> onSource = CompletableFuture.supplyAsync(() -> side(source, "source", tables));
        CompletableFuture<Side> onTarget = CompletableFuture.supplyAsync(() -> side(target, "target", tables));
        Side s;
        Side t;
        try {
            s = onSource.join();
            t = onTarget.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
        List<TableResult> tableResults = new ArrayList<>();
        for (TableInfo table : tables) {
            tableResults.add(new TableResult(s.tables.get(table.qualifiedName()), t.tables.get(table.qualifiedName())));
        }
        List<SequenceResult> sequenceResults = new ArrayList<>();
        for (SequenceInfo sequence : sequences) {
            String name = sequence.qualifiedName();
            sequenceResults.add(new SequenceResult(name, s.sequences.get(name), t.sequences.get(name)));
        }
        return new VerificationReport(tableResults, sequenceResults, Duration.ofNanos(System.nanoTime() - start));
    }

    private record Side(Map<String, TableChecksum> tables, Map<String, Long> sequences) {
    }

    private static Side side(Endpoint endpoint, String role, List<TableInfo> tables) {
        try (Connection connection = endpoint.connect(role)) {
            connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            connection.setAutoCommit(false);
            Map<String, TableChecksum> checksums = new HashMap<>();
            for (TableInfo table : tables) {
                checksum(connection, table).ifPresent(c -> checksums.put(table.qualifiedName(), c));
            }
            Map<String, Long> sequences = new HashMap<>();
            try (PreparedStatement ps = connection.prepareStatement(SEQUENCE_VALUES); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long value = rs.getLong(2);
                    sequences.put(rs.getString(1), rs.wasNull() ? null : value);
                }
            }
            connection.rollback();
            return new Side(checksums, sequences);
        } catch (SQLException e) {
            throw new MigrationException(Failure.VERIFICATION_FAILED, "verify",
                    "verification on the " + role + " failed (SQLSTATE " + e.getSQLState() + ")", e);
        }
    }

    /** Empty when the table does not exist (42P01): reported as missing, not as an error. */
    private static java.util.Optional<TableChecksum> checksum(Connection connection, TableInfo table) throws SQLException {
        var savepoint = connection.setSavepoint();
        try {
            return java.util.Optional.of(TableChecksum.of(connection, table));
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState()) || "3F000".equals(e.getSQLState())) {
                connection.rollback(savepoint);
                return java.util.Optional.empty();
            }
            throw e;
        }
    }
}
