package io.nais.pg.migration.replicate;

import io.nais.pg.migration.MigrationException;
import io.nais.pg.migration.MigrationException.Failure;
import io.nais.pg.migration.connect.Endpoint;
import io.nais.pg.migration.plan.Bytes;
import io.nais.pg.migration.plan.SequenceInfo;
import io.nais.pg.migration.plan.TableInfo;
import io.nais.pg.tools.Quote;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Logical replication from the source into the target: a publication of the
 * application's tables on the source, a subscription on the target (created by
 * the target's admin; it copies the existing rows, then streams changes), and
 * the cut-over that ends it. Both objects are named {@value #NAME}, so a
 * second run finds and resumes them instead of starting over.
 */
public final class Replication {

    static final String NAME = "nais_migration";
    private static final Duration POLL = Duration.ofMillis(200);

    private final Endpoint source;
    private final Endpoint target;
    private final PrintWriter err;

    public Replication(Endpoint source, Endpoint target, PrintWriter err) {
        this.source = source;
        this.target = target;
        this.err = err;
    }

    /** Whether a subscription of an earlier run exists on the target: resume it. */
    public boolean subscribed() {
        try (Connection t = target.connect("target");
             PreparedStatement ps = t.prepareStatement("SELECT FROM pg_catalog.pg_subscription WHERE subname OPERATOR(pg_catalog.=) ?")) {
            ps.setString(1, NAME);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw failed("replicate", "could not read the target's subscriptions", e);
        }
    }

    /** Publication on the source for exactly these tables, subscription on the target. */
    public void start(List<TableInfo> tables) {
        String tableList = tables.stream().map(t -> Quote.qualified(t.schema(), t.name())).collect(Collectors.joining(", "));
        try (Connection s = source.connect("source"); Statement st = s.createStatement()) {
            boolean exists;
            try (ResultSet rs = st.executeQuery("SELECT FROM pg_catalog.pg_publication WHERE pubname OPERATOR(pg_catalog.=) '" + NAME + "'")) {
                exists = rs.next();
            }
            st.execute((exists ? "ALTER PUBLICATION " + NAME + " SET TABLE " : "CREATE PUBLICATION " + NAME + " FOR TABLE ") + tableList);
        } catch (SQLException e) {
            throw failed("replicate", "could not publish the tables on the source (the source user must own them)", e);
        }
        try (Connection t = target.connect("target"); Statement st = t.createStatement()) {
            // the conninfo holds the source password: only this statement and the (superuser-only) catalog see it
            st.execute("CREATE SUBSCRIPTION " + NAME + " CONNECTION " + Quote.literal(source.conninfo())
                    + " PUBLICATION " + NAME + " WITH (copy_data = true)");
        } catch (SQLException e) {
            throw failed("replicate", "could not subscribe the target to the source (is the source reachable from the target?)", e);
        }
        err.println("replicate: publication and subscription " + NAME + " created; copying the existing rows");
        err.flush();
    }

    /** Waits until every table is copied and the lag is under {@code maxLagBytes}; prints the lag every second. */
    public void awaitCaughtUp(long maxLagBytes, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long lastPrint = 0;
        while (true) {
            long pending = pendingTables();
            long lag = lagBytes(null);
            if (pending == 0 && lag <= maxLagBytes) {
                err.println("replicate: caught up (lag " + Bytes.human(lag) + ")");
                err.flush();
                return;
            }
            if (System.nanoTime() - lastPrint > 1_000_000_000L) {
                err.println("replicate: " + pending + " table(s) still copying, lag " + Bytes.human(lag));
                err.flush();
                lastPrint = System.nanoTime();
            }
            if (System.nanoTime() > deadline) {
                throw new MigrationException(Failure.COPY_FAILED, "replicate", "replication did not catch up within "
                        + Bytes.duration(timeout) + " (" + pending + " table(s) copying, lag " + Bytes.human(lag) + ")");
            }
            sleep();
        }
    }

    /**
     * The cut-over, with writes on the source stopped by the team: waits until
     * the target has confirmed everything the source wrote until now, sets the
     * target's sequences to the source's values, and drops the subscription
     * (which drops its slot on the source) and the publication.
     */
    public Duration cutover(List<SequenceInfo> sourceSequences, Duration timeout) {
        long start = System.nanoTime();
        String stopLsn = currentSourceLsn();
        awaitConfirmed(stopLsn, timeout);
        syncSequences(sourceSequences);
        dropSubscriptionAndPublication();
        Duration pause = Duration.ofNanos(System.nanoTime() - start);
        err.println("cutover: target ready " + Bytes.duration(pause) + " after writes stopped");
        err.flush();
        return pause;
    }

    private void awaitConfirmed(String stopLsn, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (lagBytes(stopLsn) > 0) {
            if (System.nanoTime() > deadline) {
                throw new MigrationException(Failure.COPY_FAILED, "cutover", "the target did not reach the source's position "
                        + "within " + Bytes.duration(timeout) + "; the subscription is kept, run --cutover again");
            }
            sleep();
        }
    }

    private void syncSequences(List<SequenceInfo> sequences) {
        try (Connection t = target.connect("target");
             PreparedStatement ps = t.prepareStatement("SELECT pg_catalog.setval(?::pg_catalog.regclass, ?, true)")) {
            for (SequenceInfo sequence : sequences) {
                if (sequence.lastValue() != null) {
                    ps.setString(1, Quote.qualified(sequence.schema(), sequence.name()));
                    ps.setLong(2, sequence.lastValue());
                    ps.execute();
                }
            }
        } catch (SQLException e) {
            throw failed("cutover", "could not set the target's sequences", e);
        }
    }

    private void dropSubscriptionAndPublication() {
        try (Connection t = target.connect("target"); Statement st = t.createStatement()) {
            st.execute("DROP SUBSCRIPTION IF EXISTS " + NAME);
        } catch (SQLException e) {
            throw failed("cutover", "could not drop the subscription on the target", e);
        }
        try (Connection s = source.connect("source"); Statement st = s.createStatement()) {
            st.execute("DROP PUBLICATION IF EXISTS " + NAME);
        } catch (SQLException e) {
            throw failed("cutover", "could not drop the publication on the source", e);
        }
    }

    private long pendingTables() {
        try (Connection t = target.connect("target"); PreparedStatement ps = t.prepareStatement(
                "SELECT pg_catalog.count(*) FROM pg_catalog.pg_subscription_rel r"
                        + " JOIN pg_catalog.pg_subscription s ON s.oid OPERATOR(pg_catalog.=) r.srsubid"
                        + " WHERE s.subname OPERATOR(pg_catalog.=) ? AND r.srsubstate OPERATOR(pg_catalog.<>) 'r'")) {
            ps.setString(1, NAME);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw failed("replicate", "could not read the subscription's state", e);
        }
    }

    /** Bytes of WAL between {@code lsn} (null: the source's current position) and what the subscription confirmed. */
    private long lagBytes(String lsn) {
        try (Connection s = source.connect("source"); PreparedStatement ps = s.prepareStatement(
                "SELECT greatest(pg_catalog.pg_wal_lsn_diff(coalesce(?::pg_catalog.pg_lsn, pg_catalog.pg_current_wal_lsn()),"
                        + " confirmed_flush_lsn), 0)::pg_catalog.int8"
                        + " FROM pg_catalog.pg_replication_slots WHERE slot_name OPERATOR(pg_catalog.=) ?")) {
            ps.setString(1, lsn);
            ps.setString(2, NAME);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : Long.MAX_VALUE;
            }
        } catch (SQLException e) {
            throw failed("replicate", "could not read the replication slot on the source", e);
        }
    }

    private String currentSourceLsn() {
        try (Connection s = source.connect("source"); Statement st = s.createStatement();
             ResultSet rs = st.executeQuery("SELECT pg_catalog.pg_current_wal_lsn()::pg_catalog.text")) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            throw failed("cutover", "could not read the source's WAL position", e);
        }
    }

    private static MigrationException failed(String stage, String what, SQLException e) {
        return new MigrationException(Failure.COPY_FAILED, stage, what + " (SQLSTATE " + e.getSQLState() + ")", e);
    }


    private static void sleep() {
        try {
            Thread.sleep(POLL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MigrationException(Failure.COPY_FAILED, "replicate", "interrupted");
        }
    }
}
