package io.nais.pg.backup.run;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

/**
 * The {@code backup_night_claim} table: which replica backs up a cluster on a
 * given night. Every replica's cron queues every cluster; the first to take
 * the (cluster, night) row dumps it, the others find it held or done and
 * leave it. A claim is a lease: its holder may take it again (a retry), and
 * any replica may take it once the lease has run out and the night is not
 * done (the holder died mid-backup). Time is the database's ({@code now()}),
 * so the replicas' clocks need not agree.
 */
@ApplicationScoped
public class NightClaims {

    /**
     * One statement decides: a new row is a fresh claim; an existing one is
     * taken only if it is not done and it is ours or its lease ran out. The
     * {@code backup_id} returned is the previous holder's attempt (not
     * updated here), which the taker abandons.
     */
    private static final String TAKE = """
            INSERT INTO backup_night_claim AS c (cluster_id, night, holder, lease_until)
            VALUES (?, ?, ?, now() + ? * interval '1 millisecond')
            ON CONFLICT (cluster_id, night) DO UPDATE SET holder = excluded.holder, lease_until = excluded.lease_until
             WHERE NOT c.done AND (c.holder = excluded.holder OR c.lease_until < now())
            RETURNING c.backup_id
            """;
    private static final String STATE = "SELECT done, lease_until FROM backup_night_claim WHERE cluster_id = ? AND night = ?";

    /** What taking a night's claim came to. */
    public sealed interface Claim permits Taken, HeldUntil, Done {
    }

    /** This replica holds the night; {@code previous} is the attempt of a holder whose lease ran out, if any. */
    public record Taken(UUID previous) implements Claim {
    }

    /** Another replica holds the night until {@code until}; look again then. */
    public record HeldUntil(Instant until) implements Claim {
    }

    /** The night's backup is over (completed, or every attempt failed). */
    public record Done() implements Claim {
    }

    private final DataSource dataSource;

    NightClaims(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public Claim take(String clusterId, Instant night, String holder, Duration lease) {
        try (Connection c = dataSource.getConnection(); PreparedStatement take = c.prepareStatement(TAKE)) {
            take.setString(1, clusterId);
            take.setTimestamp(2, Timestamp.from(night));
            take.setString(3, holder);
            take.setLong(4, lease.toMillis());
            try (ResultSet taken = take.executeQuery()) {
                if (taken.next()) {
                    return new Taken((UUID) taken.getObject(1));
                }
            }
            try (PreparedStatement state = c.prepareStatement(STATE)) {
                state.setString(1, clusterId);
                state.setTimestamp(2, Timestamp.from(night));
                try (ResultSet rs = state.executeQuery()) {
                    rs.next();
                    return rs.getBoolean(1) ? new Done() : new HeldUntil(rs.getTimestamp(2).toInstant());
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not claim the night of " + clusterId, e);
        }
    }

    /** Records the holder's current attempt, so that a replica taking over can abandon it. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void attach(String clusterId, Instant night, String holder, UUID backupId) {
        update("UPDATE backup_night_claim SET backup_id = ? WHERE cluster_id = ? AND night = ? AND holder = ?",
                backupId, clusterId, night, holder);
    }

    /** The night's backup is over: nobody takes it again. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void finish(String clusterId, Instant night, String holder) {
        update("UPDATE backup_night_claim SET done = true WHERE cluster_id = ? AND night = ? AND holder = ?",
                null, clusterId, night, holder);
    }

    private void update(String sql, UUID backupId, String clusterId, Instant night, String holder) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            if (backupId != null) {
                ps.setObject(i++, backupId);
            }
            ps.setString(i++, clusterId);
            ps.setTimestamp(i++, Timestamp.from(night));
            ps.setString(i, holder);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("could not update the night claim of " + clusterId, e);
        }
    }
}
