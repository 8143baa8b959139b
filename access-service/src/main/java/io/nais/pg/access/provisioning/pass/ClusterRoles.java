package io.nais.pg.access.provisioning.pass;

import io.nais.pg.access.provisioning.model.ActualHumanRole;
import io.nais.pg.access.provisioning.model.HumanRoleSpec;
import io.nais.pg.access.provisioning.model.ReconcileResult;
import io.nais.pg.access.provisioning.model.RoleOutcome;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Executes the role SQL of {@code human-roles.sql} on one admin connection to a
 * cluster. Every identifier is quoted server-side with {@code format('%I')}; Java
 * only binds values. Nothing here decides what to do: see {@code model}.
 */
final class ClusterRoles {

    static final String SQLSTATE_NOT_MANAGED = "55000";
    /**
     * Every function of {@code human-roles.sql} and {@code cluster-checks.sql} in one string: pgjdbc sends a multi-statement string as one
     * batch with one Sync, so a new admin session installs them in one round trip, not one per function
     * (seven round trips fewer per cluster, where a cluster is a network away).
     */
    private static final String INSTALL = String.join("\n", Stream.of("human-roles.sql", ClusterChecks.RESOURCE)
            .flatMap(resource -> statements(resource).stream()).toList());

    private final Connection admin;

    private ClusterRoles(Connection admin) {
        this.admin = admin;
    }

    /** Installs the session's {@code pg_temp} functions on the connection. */
    static ClusterRoles on(Connection admin) throws SQLException {
        admin.setAutoCommit(true);
        try (Statement st = admin.createStatement()) {
            st.execute(INSTALL);
        }
        return new ClusterRoles(admin);
    }

    /** The cluster checks of {@code cluster-checks.sql}, on the same session. */
    ClusterChecks checks() {
        return new ClusterChecks(admin);
    }

    void ensureGroups(String applicationRole, List<String> schemas) throws SQLException {
        try (PreparedStatement ps = admin.prepareStatement("SELECT pg_temp.nais_ensure_groups(?, ?)")) {
            ps.setString(1, applicationRole);
            ps.setArray(2, textArray(schemas));
            ps.execute();
        }
    }

    /** The named roles that exist, plus every managed human role when {@code allManaged}. */
    Map<String, ActualHumanRole> actual(Collection<String> roleNames, boolean allManaged) throws SQLException {
        Map<String, ActualHumanRole> actual = new HashMap<>();
        try (PreparedStatement ps = admin.prepareStatement("SELECT * FROM pg_temp.nais_human_roles(?, ?)")) {
            ps.setArray(1, textArray(roleNames));
            ps.setBoolean(2, allManaged);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ActualHumanRole role = new ActualHumanRole(rs.getString("role_name"), rs.getBoolean("managed"),
                            rs.getBoolean("can_login"), rs.getBoolean("inherits"), rs.getBoolean("elevated"),
                            rs.getBoolean("has_password"), rs.getBoolean("in_group"),
                            Arrays.asList((String[]) rs.getArray("other_memberships").getArray()),
                            ActualHumanRole.parseSettings((String[]) rs.getArray("settings").getArray()),
                            rs.getBoolean("superuser"));
                    actual.put(role.roleName(), role);
                }
            }
        }
        return actual;
    }

    RoleOutcome create(HumanRoleSpec spec) throws SQLException {
        try (PreparedStatement ps = settingsCall("SELECT pg_temp.nais_create_human(?, ?, ?, ?, ?)", spec);
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return RoleOutcome.of(spec.roleName(), ReconcileResult.valueOf(rs.getString(1)));
        }
    }

    /**
     * Creates every role in one statement, each as {@link #create} would; specs with different settings go in
     * one statement per settings (in practice one: the guards are configuration). Outcomes in spec order
     * within each settings group.
     */
    List<RoleOutcome> createAll(List<HumanRoleSpec> specs) throws SQLException {
        Map<Map<String, String>, List<HumanRoleSpec>> bySettings = new LinkedHashMap<>();
        specs.forEach(spec -> bySettings.computeIfAbsent(spec.settings(), s -> new ArrayList<>()).add(spec));
        List<RoleOutcome> outcomes = new ArrayList<>();
        for (List<HumanRoleSpec> group : bySettings.values()) {
            outcomes.addAll(createGroup(group));
        }
        return outcomes;
    }

    private List<RoleOutcome> createGroup(List<HumanRoleSpec> specs) throws SQLException {
        List<String> names = new ArrayList<>(specs.get(0).settings().keySet());
        List<String> values = names.stream().map(specs.get(0).settings()::get).toList();
        List<RoleOutcome> outcomes = new ArrayList<>();
        try (PreparedStatement ps = admin.prepareStatement(
                "SELECT role_name, outcome FROM pg_temp.nais_create_humans(?, ?, ?, ?, ?)")) {
            ps.setArray(1, textArray(specs.stream().map(HumanRoleSpec::roleName).toList()));
            ps.setArray(2, textArray(names));
            ps.setArray(3, textArray(values));
            ps.setArray(4, admin.createArrayOf("boolean", specs.stream().map(HumanRoleSpec::superuser).toArray()));
            ps.setArray(5, textArray(specs.stream().map(spec -> spec.level().group()).toList()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    outcomes.add(RoleOutcome.of(rs.getString(1), ReconcileResult.valueOf(rs.getString(2))));
                }
            }
        }
        return outcomes;
    }

    /**
     * Patches the role; true when this demoted a superuser, whose sessions must then be ended with
     * {@link #endSessions} once the demotion is committed.
     */
    boolean patch(HumanRoleSpec spec) throws SQLException {
        try (PreparedStatement ps = settingsCall("SELECT pg_temp.nais_patch_human(?, ?, ?, ?, ?)", spec);
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    /** Whether each statement commits on its own (outside {@link #inOneTransaction}). */
    boolean autoCommit() throws SQLException {
        return admin.getAutoCommit();
    }

    /** Ends every open session of the roles, in one statement. */
    void endSessions(Collection<String> roleNames) throws SQLException {
        if (roleNames.isEmpty()) {
            return;
        }
        try (PreparedStatement end = admin.prepareStatement("SELECT pg_temp.nais_end_sessions(?)")) {
            end.setArray(1, textArray(roleNames));
            end.execute();
        }
    }

    /**
     * Runs the work in one transaction of the cluster (one commit for a whole pass, and a pass that fails
     * leaves nothing half-done behind); the session is back in autocommit afterwards, whatever happened.
     */
    <T> T inOneTransaction(AdminSessions.SqlWork<T> work) throws SQLException {
        admin.setAutoCommit(false);
        try {
            T result = work.apply(this);
            admin.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            admin.rollback();
            throw e;
        } finally {
            admin.setAutoCommit(true);
        }
    }

    /**
     * Blocks new logins, ends open sessions, drops; DEACTIVATED with the server's detail on 2BP01. All the
     * roles in one statement, so one scan of {@code pg_stat_activity} ends every session of them.
     */
    List<RoleOutcome> removeAll(Collection<String> roleNames) throws SQLException {
        List<RoleOutcome> outcomes = new ArrayList<>();
        if (roleNames.isEmpty()) {
            return outcomes;
        }
        try (PreparedStatement ps = admin.prepareStatement(
                "SELECT role_name, outcome, detail FROM pg_temp.nais_remove_humans(?)")) {
            ps.setArray(1, textArray(roleNames));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ReconcileResult result = switch (rs.getString("outcome")) {
                        case "DROPPED" -> ReconcileResult.DELETED;
                        case "DEACTIVATED" -> ReconcileResult.DEACTIVATED;
                        case "UNMANAGED" -> ReconcileResult.UNMANAGED;
                        default -> ReconcileResult.NOOP; // ABSENT: somebody dropped it already
                    };
                    outcomes.add(new RoleOutcome(rs.getString("role_name"), result, rs.getString("detail")));
                }
            }
        }
        return outcomes;
    }

    private PreparedStatement settingsCall(String sql, HumanRoleSpec spec) throws SQLException {
        List<String> names = new ArrayList<>(spec.settings().keySet());
        List<String> values = names.stream().map(spec.settings()::get).toList();
        PreparedStatement ps = admin.prepareStatement(sql);
        ps.setString(1, spec.roleName());
        ps.setArray(2, textArray(names));
        ps.setArray(3, textArray(values));
        ps.setBoolean(4, spec.superuser());
        ps.setString(5, spec.level().group());
        return ps;
    }

    private Array textArray(Collection<String> values) throws SQLException {
        return admin.createArrayOf("text", values.toArray());
    }

    /** Splits a resource into statements at lines holding only {@code --;}. */
    static List<String> statements(String resource) {
        try (InputStream in = ClusterRoles.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return Arrays.stream(text.split("(?m)^--;$"))
                    .map(String::strip)
                    .filter(s -> !s.isEmpty())
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
