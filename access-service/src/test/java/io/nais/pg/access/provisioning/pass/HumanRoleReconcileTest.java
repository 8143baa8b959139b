package io.nais.pg.access.provisioning.pass;

import static io.nais.pg.access.provisioning.HumanSessions.sqlStateOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.nais.pg.access.AccessLevel;
import io.nais.pg.access.directory.ClusterTarget;
import io.nais.pg.access.provisioning.model.HumanRoleSpec;
import io.nais.pg.access.provisioning.model.ReconcileResult;
import io.nais.pg.access.provisioning.model.RoleOutcome;
import io.nais.pg.pki.CertificateAuthority;
import io.nais.pg.testsupport.postgres.PostgresCluster;
import io.nais.pg.testsupport.postgres.SeededApplication;
import io.nais.pg.access.provisioning.HumanSessions;

/**
 * The role SQL against a real cluster, and what a provisioned person can and
 * cannot do when logged in with real pgjdbc over TLS with a client certificate.
 */
class HumanRoleReconcileTest {

    private static final Map<String, String> GUARDS = Map.of(
            "statement_timeout", "5min", "idle_in_transaction_session_timeout", "10min");

    private static CertificateAuthority ca;
    private static PostgresCluster pg;
    private static SeededApplication app;
    private static ClusterTarget target;
    private static HumanSessions humans;

    @BeforeAll
    static void startCluster() {
        ca = CertificateAuthority.create("test-ca", Duration.ofHours(1));
        pg = HumanSessions.withCertificateLogins(PostgresCluster.builder().name("provisioning"), ca).start();
        app = pg.seedApplication("demo-app");
        target = new ClusterTarget("team-a/demo-app", "team-a", pg.host(), pg.port(), app.database(), app.owner(),
                List.of("public"), "file:" + pg.adminSecretFile());
        humans = new HumanSessions(pg, ca);
    }

    @AfterAll
    static void stopCluster() {
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    void provisionedHumanCanReadAndWriteAppTablesIncludingOnesCreatedLater() throws Exception {
        String email = "dml@example.com";
        assertThat(reconcile(wanted(email))).containsEntry(email, ReconcileResult.CREATED);
        asOwner("CREATE TABLE public.invoices (id bigserial PRIMARY KEY, total numeric NOT NULL)");

        try (Connection human = humans.connect(app.database(), email); Statement st = human.createStatement()) {
            assertThat(count(st, "SELECT count(*) FROM public.customers")).isEqualTo(3);
            st.executeUpdate("INSERT INTO public.customers (name, email) VALUES ('New', 'new@example.com')");
            st.executeUpdate("UPDATE public.orders SET amount = amount + 1 WHERE id = 1");
            st.executeUpdate("DELETE FROM public.orders WHERE id = 4");
            st.executeUpdate("INSERT INTO public.invoices (total) VALUES (12.5)");
            assertThat(count(st, "SELECT count(*) FROM public.invoices")).isEqualTo(1);
            st.executeUpdate("DELETE FROM public.invoices");
        }
    }

    @Test
    void provisionedHumanIsRefusedEveryStructuralChangeWithItsSqlState() throws Exception {
        String email = "ddl@example.com";
        reconcile(wanted(email));
        Map<String, String> refusals = new LinkedHashMap<>();
        refusals.put("CREATE TABLE public.mine (id int)", "42501");
        refusals.put("ALTER TABLE public.customers ADD COLUMN x int", "42501");
        refusals.put("DROP TABLE public.orders", "42501");
        refusals.put("TRUNCATE public.orders", "42501");
        refusals.put("CREATE SCHEMA mine", "42501");
        refusals.put("CREATE FUNCTION public.f() RETURNS int LANGUAGE sql AS 'select 1'", "42501");
        refusals.put("CREATE INDEX ON public.customers (name)", "42501");
        refusals.put("GRANT nais_human TO " + app.owner(), "42501");
        refusals.put("GRANT " + app.owner() + " TO \"" + email + "\"", "42501");
        refusals.put("SET ROLE " + app.owner(), "42501");
        refusals.put("ALTER ROLE \"" + email + "\" CREATEROLE", "42501");
        refusals.put("ALTER ROLE \"" + email + "\" SUPERUSER", "42501");
        refusals.put("CREATE DATABASE mine", "42501");
        try (Connection human = humans.connect(app.database(), email)) {
            Map<String, String> actual = refusals.keySet().stream()
                    .collect(Collectors.toMap(Function.identity(), sql -> String.valueOf(sqlStateOf(human, sql)),
                            (a, b) -> a, LinkedHashMap::new));
            assertThat(actual).isEqualTo(refusals);
        }
    }

    @Test
    void grantOnATableIsIgnoredWithWarning01007BecauseHumansHoldNoGrantOption() throws Exception {
        String email = "granter@example.com";
        reconcile(wanted(email));
        try (Connection human = humans.connect(app.database(), email); Statement st = human.createStatement()) {
            st.execute("GRANT SELECT, TRUNCATE ON public.customers TO PUBLIC");
            SQLWarning warning = st.getWarnings();
            assertThat((Object) warning).isNotNull();
            assertThat(warning.getSQLState()).isEqualTo("01007"); // privilege_not_granted
        }
        assertThat(asAdminBoolean("SELECT has_table_privilege('public', 'public.customers', 'SELECT')")).isFalse();
    }

    @Test
    void emailsWithQuotesPlusDotsAndUnicodeBecomeWorkingRoles() throws Exception {
        List<String> emails = List.of("o'brien+db@example.com", "first.last@sub.example.com",
                "\"quoted\"@example.com", "ærlig.øst@eksempel.no");
        Map<String, HumanRoleSpec> desired = new LinkedHashMap<>();
        emails.forEach(e -> desired.put(e, new HumanRoleSpec(e, GUARDS)));
        assertThat(List.copyOf(reconcile(desired).values())).containsOnly(ReconcileResult.CREATED);
        for (String email : emails) {
            try (Connection human = humans.connect(app.database(), email); Statement st = human.createStatement();
                 ResultSet rs = st.executeQuery("SELECT current_user, current_setting('statement_timeout')")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo(email);
                assertThat(rs.getString(2)).isEqualTo("5min");
            }
        }
    }

    @Test
    void onePassCreatesManyRolesTogetherEachWithItsOwnSuperuserFlagAndTheGuards() throws Exception {
        Map<String, HumanRoleSpec> desired = new LinkedHashMap<>();
        for (int i = 0; i < 40; i++) {
            String email = "batch" + i + "@example.com";
            desired.put(email, new HumanRoleSpec(email, GUARDS, i % 7 == 3)); // a DBA here and there
        }
        assertThat(List.copyOf(reconcile(desired).values())).hasSize(40).containsOnly(ReconcileResult.CREATED);
        try (Connection admin = pg.connect(app.database());
             PreparedStatement ps = admin.prepareStatement("""
                     SELECT r.rolsuper, r.rolcanlogin, pg_has_role(r.oid, 'nais_human', 'MEMBER'),
                            (SELECT s.setconfig FROM pg_db_role_setting s WHERE s.setrole = r.oid)::text
                       FROM pg_roles r WHERE r.rolname = ?
                     """)) {
            for (HumanRoleSpec spec : desired.values()) {
                ps.setString(1, spec.roleName());
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).as(spec.roleName()).isTrue();
                    assertThat(rs.getBoolean(1)).as(spec.roleName()).isEqualTo(spec.superuser());
                    assertThat(rs.getBoolean(2)).isTrue();
                    assertThat(rs.getBoolean(3)).isTrue();
                    assertThat(rs.getString(4)).contains("statement_timeout=5min",
                            "idle_in_transaction_session_timeout=10min");
                }
            }
        }
        assertThat(List.copyOf(reconcile(desired).values())).containsOnly(ReconcileResult.NOOP);
    }

    @Test
    void reconcilingTheSameDesiredStateAgainChangesNothing() throws Exception {
        String email = "again@example.com";
        assertThat(reconcile(wanted(email))).containsEntry(email, ReconcileResult.CREATED);
        assertThat(reconcile(wanted(email))).containsEntry(email, ReconcileResult.NOOP);
        Map<String, HumanRoleSpec> absent = new LinkedHashMap<>();
        absent.put(email, null);
        assertThat(reconcile(absent)).containsEntry(email, ReconcileResult.DELETED);
        assertThat(reconcile(absent)).containsEntry(email, ReconcileResult.NOOP);
    }

    /**
     * A pass records its removals before the cluster commits them, so that a pass dying between the cluster's
     * commit and its own leaves a trace (the role still existed when the record was made).
     */
    @Test
    void aPassRecordsItsRemovalsBeforeTheClusterCommitsThem() throws Exception {
        String email = "recorded-leaver@example.com";
        reconcile(wanted(email));
        List<Boolean> existedWhenRecorded = new ArrayList<>();
        RecordingLog log = new RecordingLog(Set.of()) {
            @Override
            public void removing(Set<String> roleNames) {
                super.removing(roleNames);
                existedWhenRecorded.add(roleExists(email));
            }
        };

        Map<String, HumanRoleSpec> absent = new LinkedHashMap<>();
        absent.put(email, null);
        assertThat(reconcileWith(absent, false, log)).containsEntry(email, ReconcileResult.DELETED);

        assertThat(log.recorded).containsExactly(email);
        assertThat(existedWhenRecorded).containsExactly(true);
        assertThat(roleExists(email)).isFalse();
    }

    /**
     * The state a pass leaves when it dies after the cluster's commit and before its own: the role is gone and
     * nobody announced it. The next pass finds nothing to change, and without the record it would report NOOP,
     * so the removal would never be announced; with it, the role is reported DELETED. A role the dead pass's
     * cluster transaction never removed is removed now, and one that is wanted again is not reported removed.
     */
    @Test
    void aRemovalThatADeadPassLeftUnannouncedIsReportedByTheNextPass() throws Exception {
        String gone = "gone-unannounced@example.com";
        String stillThere = "still-there@example.com";
        String back = "back-again@example.com";
        String resynced = "resynced-away@example.com";
        for (String email : List.of(gone, stillThere, back, resynced)) {
            reconcile(wanted(email));
        }
        Map<String, HumanRoleSpec> deadPass = new LinkedHashMap<>();
        deadPass.put(gone, null);
        deadPass.put(back, null);
        deadPass.put(resynced, null);
        reconcile(deadPass); // the cluster committed; what it returned was never announced
        Map<String, HumanRoleSpec> goneOnly = new LinkedHashMap<>();
        goneOnly.put(gone, null);
        assertThat(reconcileWith(goneOnly, false, ClusterRoleReconciler.RemovalLog.NONE)).as("without the record")
                .containsEntry(gone, ReconcileResult.NOOP).doesNotContainKey(resynced);
        Map<String, HumanRoleSpec> next = new LinkedHashMap<>();
        next.put(gone, null);
        next.put(stillThere, null); // its dead pass's cluster transaction never committed
        next.putAll(wanted(back));

        Map<String, ReconcileResult> outcomes = reconcileWith(next, false,
                new RecordingLog(Set.of(gone, stillThere, back, resynced)));

        assertThat(outcomes).containsEntry(gone, ReconcileResult.DELETED)
                .containsEntry(stillThere, ReconcileResult.DELETED)
                .containsEntry(back, ReconcileResult.CREATED)
                .containsEntry(resynced, ReconcileResult.DELETED);
        assertThat(roleExists(stillThere)).isFalse();
        assertThat(roleExists(back)).isTrue();
    }

    @Test
    void removalTerminatesTheOpenSessionAndRefusesNewLogins() throws Exception {
        String email = "leaver@example.com";
        reconcile(wanted(email));
        try (Connection open = humans.connect(app.database(), email)) {
            assertThat(sqlStateOf(open, "SELECT 1")).isNull();
            Map<String, HumanRoleSpec> absent = new LinkedHashMap<>();
            absent.put(email, null);
            assertThat(reconcile(absent)).containsEntry(email, ReconcileResult.DELETED);
            String state = sqlStateOf(open, "SELECT 1");
            assertThat(state).isIn("57P01", "08006", "08003"); // admin shutdown, or the closed connection
        }
        assertThatThrownBy(() -> humans.connect(app.database(), email))
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28000"));
        assertThat(asAdminBoolean("SELECT EXISTS (SELECT FROM pg_roles WHERE rolname = 'leaver@example.com')"))
                .isFalse();
    }

    @Test
    void removalFallsBackToNologinWhenObjectsDependOnTheRole() throws Exception {
        String email = "owner-of-things@example.com";
        reconcile(wanted(email));
        pg.execute(app.database(), "GRANT SELECT ON public.orders TO \"" + email + "\"");
        Map<String, HumanRoleSpec> absent = new LinkedHashMap<>();
        absent.put(email, null);
        List<RoleOutcome> outcomes = reconcileOutcomes(absent, false);
        assertThat(outcomes).singleElement().satisfies(o -> {
            assertThat(o.result()).isEqualTo(ReconcileResult.DEACTIVATED);
            assertThat(o.detail()).contains("orders"); // the server's 2BP01 detail: "privileges for table orders"
        });
        assertThatThrownBy(() -> humans.connect(app.database(), email))
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28000"));
        assertThat(asAdminBoolean("SELECT rolcanlogin FROM pg_roles WHERE rolname = 'owner-of-things@example.com'"))
                .isFalse();
        // Trying again while the dependency stays is not a new change
        assertThat(reconcile(absent)).containsEntry(email, ReconcileResult.NOOP);
    }

    @Test
    void driftAHumanOrAnAdminIntroducedIsHealed() throws Exception {
        String email = "drifter@example.com";
        reconcile(wanted(email));
        try (Connection human = humans.connect(app.database(), email)) {
            // allowed to ordinary roles by PostgreSQL itself; the reconciler undoes both
            assertThat(sqlStateOf(human, "ALTER ROLE \"" + email + "\" PASSWORD 'secret-by-human'")).isNull();
            assertThat(sqlStateOf(human, "ALTER ROLE \"" + email + "\" SET statement_timeout = 0")).isNull();
        }
        pg.execute("postgres", "GRANT " + app.owner() + " TO \"" + email + "\"");
        assertThat(reconcile(wanted(email))).containsEntry(email, ReconcileResult.PATCHED);
        assertThat(asAdminBoolean("SELECT rolpassword IS NULL FROM pg_authid WHERE rolname = '" + email + "'")).isTrue();
        assertThat(asAdminBoolean("SELECT pg_has_role('" + email + "', '" + app.owner() + "', 'MEMBER')")).isFalse();
        assertThat(reconcile(wanted(email))).containsEntry(email, ReconcileResult.NOOP);
    }

    @Test
    void aRoleThePlatformDidNotCreateIsNeverTouched() throws Exception {
        pg.execute("postgres", "CREATE ROLE \"someone-else@example.com\" LOGIN SUPERUSER");
        assertThat(reconcile(wanted("someone-else@example.com")))
                .containsEntry("someone-else@example.com", ReconcileResult.UNMANAGED);
        Map<String, HumanRoleSpec> absent = new LinkedHashMap<>();
        absent.put("someone-else@example.com", null);
        assertThat(reconcile(absent)).containsEntry("someone-else@example.com", ReconcileResult.UNMANAGED);
        assertThat(asAdminBoolean("SELECT rolsuper FROM pg_roles WHERE rolname = 'someone-else@example.com'")).isTrue();
    }

    @Test
    void fullResyncRemovesManagedRolesNobodyWantsAnyMore() throws Exception {
        reconcile(wanted("stray@example.com"));
        List<RoleOutcome> outcomes = reconcileOutcomes(wanted("kept@example.com"), true);
        Map<String, ReconcileResult> byRole = outcomes.stream()
                .collect(Collectors.toMap(RoleOutcome::roleName, RoleOutcome::result));
        assertThat(byRole).containsEntry("stray@example.com", ReconcileResult.DELETED)
                .containsEntry("kept@example.com", ReconcileResult.CREATED);
    }

    /**
     * A cluster provisioned before access levels: {@code nais_human} holds the DML and the person's role is only
     * in it. One pass with the group role (as the cluster's next ClusterUpdated or full resync runs it) moves the
     * privileges to {@code nais_human_write} without the open session losing write in between, leaves
     * {@code nais_human} with nothing, and creates the read-only role, which can read and not write.
     */
    @Test
    void aClusterProvisionedBeforeAccessLevelsIsUpgradedInPlace() throws Exception {
        try (PostgresCluster old = HumanSessions.withCertificateLogins(PostgresCluster.builder().name("before-levels"), ca)
                .start()) {
            SeededApplication oldApp = old.seedApplication("demo-app");
            String person = "before@example.com";
            old.execute(oldApp.database(), """
                    CREATE ROLE nais_managed NOLOGIN;
                    CREATE ROLE nais_human NOLOGIN IN ROLE nais_managed;
                    GRANT USAGE ON SCHEMA public TO nais_human;
                    GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO nais_human;
                    GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO nais_human;
                    CREATE ROLE "before@example.com" LOGIN IN ROLE nais_managed, nais_human;
                    """);
            ClusterTarget oldTarget = new ClusterTarget("team-a/before", "team-a", old.host(), old.port(),
                    oldApp.database(), oldApp.owner(), List.of("public"), "file:" + old.adminSecretFile());
            HumanSessions oldHumans = new HumanSessions(old, ca);
            Map<String, HumanRoleSpec> desired = new LinkedHashMap<>();
            desired.put(person, new HumanRoleSpec(person, GUARDS));
            desired.put(person + "/ro", new HumanRoleSpec(person + "/ro", GUARDS, false, AccessLevel.READ));

            try (Connection open = oldHumans.connect(oldApp.database(), person)) {
                Map<String, ReconcileResult> outcomes;
                try (Connection admin = old.connect(oldApp.database())) {
                    outcomes = ClusterRoleReconciler.reconcile(admin, oldTarget, desired, true, true).stream()
                            .collect(Collectors.toMap(RoleOutcome::roleName, RoleOutcome::result));
                }
                assertThat(outcomes).containsEntry(person, ReconcileResult.PATCHED)
                        .containsEntry(person + "/ro", ReconcileResult.CREATED);
                assertThat(sqlStateOf(open, "UPDATE public.customers SET name = name")).as("write kept").isNull();
            }
            try (Connection admin = old.connect(oldApp.database()); Statement st = admin.createStatement();
                 ResultSet rs = st.executeQuery("SELECT has_table_privilege('nais_human', 'public.customers', 'SELECT'),"
                         + " pg_has_role('before@example.com', 'nais_human_write', 'MEMBER'),"
                         + " pg_has_role('before@example.com/ro', 'nais_human_write', 'MEMBER')")) {
                rs.next();
                assertThat(rs.getBoolean(1)).as("nais_human holds nothing any more").isFalse();
                assertThat(rs.getBoolean(2)).isTrue();
                assertThat(rs.getBoolean(3)).isFalse();
            }
            try (Connection readOnly = oldHumans.connect(oldApp.database(), person + "/ro");
                 Statement st = readOnly.createStatement()) {
                assertThat(count(st, "SELECT count(*) FROM public.customers")).isEqualTo(3);
                st.execute("SET default_transaction_read_only = off");
                assertThat(sqlStateOf(readOnly, "DELETE FROM public.orders")).isEqualTo("42501");
            }
        }
    }

    private static Map<String, HumanRoleSpec> wanted(String email) {
        Map<String, HumanRoleSpec> desired = new LinkedHashMap<>();
        desired.put(email, new HumanRoleSpec(email, GUARDS));
        return desired;
    }

    private static Map<String, ReconcileResult> reconcile(Map<String, HumanRoleSpec> desired) throws SQLException {
        return reconcileOutcomes(desired, false).stream()
                .collect(Collectors.toMap(RoleOutcome::roleName, RoleOutcome::result));
    }

    private static List<RoleOutcome> reconcileOutcomes(Map<String, HumanRoleSpec> desired, boolean full)
            throws SQLException {
        try (Connection admin = pg.connect(app.database())) {
            return ClusterRoleReconciler.reconcile(admin, target, desired, full, true);
        }
    }

    private static Map<String, ReconcileResult> reconcileWith(Map<String, HumanRoleSpec> desired, boolean full,
                                                              ClusterRoleReconciler.RemovalLog log) throws SQLException {
        try (Connection admin = pg.connect(app.database())) {
            return ClusterRoleReconciler.reconcile(ClusterRoles.on(admin), target, desired, full, true, log).stream()
                    .collect(Collectors.toMap(RoleOutcome::roleName, RoleOutcome::result));
        }
    }

    private static boolean roleExists(String roleName) {
        try (Connection admin = pg.connect(app.database());
             PreparedStatement ps = admin.prepareStatement("SELECT EXISTS (SELECT FROM pg_roles WHERE rolname = ?)")) {
            ps.setString(1, roleName);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The provisioning queue's part, in memory: what was recorded, and what a dead pass left. */
    private static class RecordingLog implements ClusterRoleReconciler.RemovalLog {

        final List<String> recorded = new ArrayList<>();
        private final Set<String> unannounced;

        RecordingLog(Set<String> unannounced) {
            this.unannounced = unannounced;
        }

        @Override
        public Set<String> unannounced() {
            return unannounced;
        }

        @Override
        public void removing(Set<String> roleNames) {
            recorded.addAll(roleNames);
        }
    }

    private static void asOwner(String sql) throws SQLException {
        try (Connection owner = pg.connect(app.database(), app.owner(), app.password());
             Statement st = owner.createStatement()) {
            st.execute(sql);
        }
    }

    private static boolean asAdminBoolean(String sql) throws SQLException {
        try (Connection admin = pg.connect(app.database()); Statement st = admin.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    private static long count(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
