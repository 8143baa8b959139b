package io.nais.pg.console.discovery;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The {@code cluster_refusal} table: the claims each source refused at its
 * last sync, what the console shows. Written in the caller's transaction
 * ({@link ClusterSync}).
 */
@ApplicationScoped
public class ClusterRefusals {

    private static final String OF_SOURCE = "SELECT resource, cluster_id FROM cluster_refusal WHERE source = ?";
    private static final String FORGET = "DELETE FROM cluster_refusal WHERE source = ? AND NOT (resource, cluster_id)"
            + " IN (SELECT * FROM unnest(?::text[], ?::text[]))";
    private static final String RECORD = "INSERT INTO cluster_refusal (source, resource, cluster_id, team, reason, detail)"
            + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (source, resource, cluster_id)"
            + " DO UPDATE SET team = excluded.team, reason = excluded.reason, detail = excluded.detail";
    private static final String ALL = "SELECT resource, cluster_id, team, reason, detail FROM cluster_refusal"
            + " ORDER BY cluster_id, resource";

    private final DataSource dataSource;

    ClusterRefusals(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Makes the source's refusals exactly {@code refused}.
     *
     * @return the refusals that were not recorded before (to be logged once, not at every resync)
     */
    List<RefusedClaim> replace(String source, List<RefusedClaim> refused) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            Set<List<String>> before = recorded(connection, source);
            forgetAllBut(connection, source, refused);
            try (PreparedStatement insert = connection.prepareStatement(RECORD)) {
                for (RefusedClaim claim : refused) {
                    insert.setString(1, source);
                    insert.setString(2, claim.resource());
                    insert.setString(3, claim.clusterId());
                    insert.setString(4, claim.team());
                    insert.setString(5, claim.reason());
                    insert.setString(6, claim.detail());
                    insert.executeUpdate();
                }
            }
            return refused.stream().filter(c -> !before.contains(List.of(c.resource(), c.clusterId()))).toList();
        }
    }

    /** Every refusal of every source, by cluster id. */
    public List<RefusedClaim> all() {
        List<RefusedClaim> all = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(ALL);
             ResultSet row = select.executeQuery()) {
            while (row.next()) {
                all.add(new RefusedClaim(row.getString(1), row.getString(2), row.getString(3), row.getString(4),
                        row.getString(5)));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the refused cluster claims", e);
        }
        return all;
    }

    private static Set<List<String>> recorded(Connection connection, String source) throws SQLException {
        Set<List<String>> recorded = new HashSet<>();
        try (PreparedStatement select = connection.prepareStatement(OF_SOURCE)) {
            select.setString(1, source);
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    recorded.add(List.of(row.getString(1), row.getString(2)));
                }
            }
        }
        return recorded;
    }

    private static void forgetAllBut(Connection connection, String source, List<RefusedClaim> refused)
            throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement(FORGET)) {
            delete.setString(1, source);
            delete.setArray(2, connection.createArrayOf("text", refused.stream().map(RefusedClaim::resource).toArray()));
            delete.setArray(3, connection.createArrayOf("text", refused.stream().map(RefusedClaim::clusterId).toArray()));
            delete.executeUpdate();
        }
    }
}
