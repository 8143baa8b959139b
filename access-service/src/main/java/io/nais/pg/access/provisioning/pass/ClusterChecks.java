package io.nais.pg.access.provisioning.pass;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

import io.nais.pg.access.provisioning.model.ClusterSnapshot;
import io.nais.pg.access.provisioning.model.HbaRule;

/**
 * Executes {@code cluster-checks.sql} (installed with the role SQL on each admin session, see
 * {@link ClusterRoles}) on one admin connection: reads how people can log in and what a superuser could
 * change, clears people's passwords, disables stay-behind roles. Nothing here decides: see {@code model}.
 */
final class ClusterChecks {

    static final String RESOURCE = "cluster-checks.sql";

    private final Connection admin;

    ClusterChecks(Connection admin) {
        this.admin = admin;
    }

    List<HbaRule> hbaRules() throws SQLException {
        List<HbaRule> rules = new ArrayList<>();
        try (PreparedStatement ps = admin.prepareStatement("SELECT * FROM pg_temp.nais_hba_rules()");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rules.add(new HbaRule(rs.getInt("line_number"), rs.getString("conn_type"),
                        strings(rs, "databases"), strings(rs, "users"), rs.getString("address"),
                        rs.getString("auth_method"), rs.getBoolean("matches_people"), rs.getString("error")));
            }
        }
        return rules;
    }

    /** Clears every password a person set on their own role; the roles it cleared. */
    List<String> clearHumanPasswords() throws SQLException {
        return names("SELECT pg_temp.nais_clear_human_passwords()", null);
    }

    ClusterSnapshot state() throws SQLException {
        List<ClusterSnapshot.Item> items = new ArrayList<>();
        try (PreparedStatement ps = admin.prepareStatement("SELECT kind, name, detail, digest FROM pg_temp.nais_cluster_state()");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                items.add(new ClusterSnapshot.Item(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)));
            }
        }
        return ClusterSnapshot.of(items);
    }

    /** NOLOGIN for each role that can still log in, its sessions ended; the roles it changed. */
    List<String> disableLogins(Collection<String> roleNames) throws SQLException {
        return roleNames.isEmpty() ? List.of() : names("SELECT pg_temp.nais_disable_logins(?)", roleNames);
    }

    private List<String> names(String sql, Collection<String> argument) throws SQLException {
        List<String> names = new ArrayList<>();
        try (PreparedStatement ps = admin.prepareStatement(sql)) {
            if (argument != null) {
                ps.setArray(1, admin.createArrayOf("text", argument.toArray()));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
        }
        return names;
    }

    private static List<String> strings(ResultSet rs, String column) throws SQLException {
        Array array = rs.getArray(column);
        return array == null ? List.of() : Arrays.asList((String[]) array.getArray());
    }
}
