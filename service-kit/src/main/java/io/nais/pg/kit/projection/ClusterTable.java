package io.nais.pg.kit.projection;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import io.nais.pg.events.ClusterState;
import io.nais.pg.kit.jdbc.Rows;
import io.nais.pg.tools.Quote;

/**
 * A service's own projection of the clusters topic: one row per cluster, the
 * newest event (envelope time, then event id) wins, so a late, duplicate or
 * replayed event changes nothing. ClusterDiscovered and ClusterUpdated both
 * carry the whole state and write the same row; ClusterRemoved leaves a
 * tombstone ({@code removed = true}), so an older ClusterUpdated that arrives
 * later cannot bring the cluster back.
 *
 * <p>Each service keeps the table in its own schema (its own Flyway migration):
 * the columns {@code cluster_id} (primary key), {@code team},
 * {@code removed boolean}, {@code event_time timestamptz NOT NULL},
 * {@code event_id uuid NOT NULL}, plus one column for each {@link Fact} it
 * keeps, and any columns of its own, which this class leaves alone. This class
 * is the one implementation of the rules over it; each service reads the columns
 * it uses ({@link #live}).
 */
public final class ClusterTable {

    /** A fact of {@link ClusterState} a service may keep, in a column of this name. */
    public enum Fact {
        APP("app", ClusterState::app),
        HOST("host", ClusterState::host),
        PORT("port", ClusterState::port),
        DATABASE("database", ClusterState::database),
        APPLICATION_ROLE("application_role", ClusterState::applicationRole),
        SCHEMAS("schemas", ClusterState::schemas),
        ADMIN_SECRET_REF("admin_secret_ref", ClusterState::adminSecretRef),
        PG_VERSION("pg_version", ClusterState::pgVersion),
        STATUS("status", ClusterState::status);

        private final String column;
        private final Function<ClusterState, Object> value;

        Fact(String column, Function<ClusterState, Object> value) {
            this.column = column;
            this.value = value;
        }
    }

    /** Reads one row of a query into the service's own type. */
    @FunctionalInterface
    public interface RowReader<T> {
        T read(ResultSet row) throws SQLException;
    }

    private final DataSource dataSource;
    private final String table;
    private final List<Fact> facts;
    private final String upsert;
    private final String remove;

    /**
     * @param table the service's cluster table (a fixed name from code; quoted here all the same)
     * @param facts the facts the service keeps beyond the cluster id and the team
     */
    public ClusterTable(DataSource dataSource, String table, List<Fact> facts) {
        this.dataSource = dataSource;
        this.table = Quote.identifier(table);
        this.facts = List.copyOf(facts);
        String columns = this.facts.stream().map(f -> ", " + f.column).collect(Collectors.joining());
        String parameters = this.facts.stream().map(f -> ", ?").collect(Collectors.joining());
        String updates = this.facts.stream().map(f -> f.column + " = EXCLUDED." + f.column + ", ")
                .collect(Collectors.joining());
        this.upsert = """
                INSERT INTO %1$s AS t (cluster_id, team%2$s, removed, event_time, event_id)
                VALUES (?, ?%3$s, false, ?, ?)
                ON CONFLICT (cluster_id) DO UPDATE
                   SET team = EXCLUDED.team, %4$sremoved = false,
                       event_time = EXCLUDED.event_time, event_id = EXCLUDED.event_id
                 WHERE (t.event_time, t.event_id) < (EXCLUDED.event_time, EXCLUDED.event_id)
                RETURNING t.cluster_id
                """.formatted(this.table, columns, parameters, updates);
        // the self-join reads the row as it was before this statement: whether the cluster was live
        this.remove = """
                UPDATE %1$s AS t SET removed = true, event_time = ?, event_id = ?
                  FROM %1$s AS before
                 WHERE t.cluster_id = ? AND before.cluster_id = t.cluster_id
                   AND (t.event_time, t.event_id) < (?, ?)
                RETURNING NOT before.removed
                """.formatted(this.table);
    }

    /**
     * Records a ClusterDiscovered or ClusterUpdated unless a newer event is already known.
     *
     * @return whether the event was newer than the stored state (and so was applied)
     */
    public boolean present(ClusterState state, Instant eventTime, UUID eventId) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(upsert)) {
            int i = 1;
            ps.setString(i++, state.clusterId());
            ps.setString(i++, state.team());
            for (Fact fact : facts) {
                Object value = fact.value.apply(state);
                if (value instanceof List<?> list) {
                    ps.setArray(i++, c.createArrayOf("text", list.toArray()));
                } else {
                    ps.setObject(i++, value);
                }
            }
            ps.setObject(i++, OffsetDateTime.ofInstant(eventTime, ZoneOffset.UTC));
            ps.setObject(i, eventId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not project cluster " + state.clusterId(), e);
        }
    }

    /**
     * Records a ClusterRemoved unless a newer event is already known. A cluster never seen gets no row.
     *
     * @return whether a live cluster was removed by this (newer) event
     */
    public boolean removed(String clusterId, Instant eventTime, UUID eventId) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(remove)) {
            OffsetDateTime time = OffsetDateTime.ofInstant(eventTime, ZoneOffset.UTC);
            ps.setObject(1, time);
            ps.setObject(2, eventId);
            ps.setString(3, clusterId);
            ps.setObject(4, time);
            ps.setObject(5, eventId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not remove cluster " + clusterId, e);
        }
    }

    /**
     * Every live (known, not removed) cluster, by cluster id, reading only {@code selected} (names from code).
     * Every reader names its columns, so a service's database role needs SELECT on those alone.
     */
    public <T> List<T> live(List<String> selected, RowReader<T> reader) {
        return query(selected, "", Optional.empty(), reader);
    }

    /**
     * The live clusters whose {@code column} (a name from code) equals {@code value}, by cluster id, reading
     * only {@code selected} (names from code): access-service's gateway, for one, may not read a cluster's
     * admin secret reference.
     */
    public <T> List<T> live(String column, String value, List<String> selected, RowReader<T> reader) {
        return query(selected, " AND " + Quote.identifier(column) + " = ?", Optional.of(value), reader);
    }

    private <T> List<T> query(List<String> selected, String condition, Optional<String> parameter,
                              RowReader<T> reader) {
        String columns = String.join(", ", selected.stream().map(Quote::identifier).toList());
        String sql = "SELECT " + columns + " FROM " + table + " WHERE NOT removed" + condition + " ORDER BY cluster_id";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            if (parameter.isPresent()) {
                ps.setString(1, parameter.get());
            }
            return Rows.all(ps, reader::read);
        } catch (SQLException e) {
            throw new IllegalStateException("could not read clusters", e);
        }
    }
}
