package io.nais.pg.access.provisioning.pass;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.nais.pg.events.ClusterDiscovered;
import io.nais.pg.events.DbaAccessGranted;
import io.nais.pg.events.Envelope;
import io.nais.pg.events.PlatformEvent;
import io.nais.pg.events.TeamMemberAdded;
import io.nais.pg.events.TeamMemberRemoved;
import io.nais.pg.testsupport.InjectInfrastructure;
import io.nais.pg.testsupport.Infrastructure;
import io.nais.pg.testsupport.RealInfrastructure;
import io.nais.pg.testsupport.kafka.TestEventBus;
import io.nais.pg.testsupport.postgres.PostgresCluster;
import io.nais.pg.testsupport.postgres.SeededApplication;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.nais.pg.access.ProvisioningMode;

/**
 * Issue 18, hole 1: a team makes its application role SUPERUSER through the platform's own admin sessions.
 *
 * <p>The application role owns {@code public} in its database. As that role (real pgjdbc) the attack plants,
 * in {@code public}, functions and operators whose argument types match the provisioning SQL's calls more
 * exactly than {@code pg_catalog}'s (an exact match beats {@code format(text, VARIADIC "any")} or a
 * polymorphic {@code anyarray}); each, when the cluster admin calls it, records the call and runs
 * {@code ALTER ROLE <application role> SUPERUSER}, then returns the right answer so nothing looks wrong.
 * Provisioning then runs through the real service (Kafka, the service database, the admin sessions): a
 * member added, a member removed, a DBA grant, and a full resync. The application role must stay an ordinary
 * role, no planted object may ever have run, and the roles must still be right.
 */
@QuarkusTest
@TestProfile(ProvisioningMode.class)
@RealInfrastructure(kafka = true, postgres = true)
class ShadowedCatalogAttackTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String TEAM = "team-shadow";
    private static final String APP = "app-shadow";
    private static final String CLUSTER_ID = TEAM + "/" + APP;

    @InjectInfrastructure
    Infrastructure infra;

    @Inject
    ProvisioningScheduler scheduler;

    @Test
    void functionsAndOperatorsATeamPlantsInPublicNeverRunAsTheClusterAdmin() throws Exception {
        try (PostgresCluster cluster = infra.newCluster("shadow", b -> { });
             TestEventBus events = infra.events()) {
            SeededApplication app = cluster.seedApplication(APP);
            plantShadows(cluster, app);
            String member = "member@example.com";
            String leaver = "leaver@example.com";
            String dba = "dba@example.com";

            publish(events, new ClusterDiscovered(CLUSTER_ID, TEAM, APP, cluster.host(), cluster.port(),
                    app.database(), app.owner(), List.of("public"), "file:" + cluster.adminSecretFile(), "15", "Running"));
            publish(events, new TeamMemberAdded(TEAM, member));
            publish(events, new TeamMemberAdded(TEAM, leaver));
            await().atMost(WAIT).until(() -> isHuman(cluster, app, member) && isHuman(cluster, app, leaver));

            publish(events, new TeamMemberRemoved(TEAM, leaver));
            await().atMost(WAIT).until(() -> !roleExists(cluster, app, leaver));

            Instant now = Instant.now();
            publish(events, new DbaAccessGranted(UUID.randomUUID(), CLUSTER_ID, TEAM, dba, "lead@example.com",
                    now, now.plus(Duration.ofHours(1))));
            await().atMost(WAIT).until(() -> isSuperuser(cluster, app, dba));

            // drift only a full resync heals: the member given a password and CREATEDB behind the platform's back
            cluster.execute(app.database(), "ALTER ROLE \"" + member + "\" CREATEDB PASSWORD 'set-by-hand'");
            scheduler.resync();
            await().atMost(WAIT).until(() -> !hasDrifted(cluster, app, member));

            assertThat(shadowCalls(cluster, app)).as("planted objects the admin ran").isEmpty();
            assertThat(isSuperuser(cluster, app, app.owner())).as("the application role became superuser").isFalse();
            assertThat(isHuman(cluster, app, member)).isTrue();
            assertThat(roleExists(cluster, app, leaver)).isFalse();
            assertThat(isSuperuser(cluster, app, dba)).isTrue();
            assertThat(isSuperuser(cluster, app, member)).isFalse();
        }
    }

    /**
     * As the application role: every shadow of what the role SQL calls that a plain search path would find in
     * {@code public}, each recording its call and making the application role superuser when the admin calls it.
     */
    private static void plantShadows(PostgresCluster cluster, SeededApplication app) throws SQLException {
        String escalate = "PERFORM public.shadow_escalate('%s');";
        List<String> plant = new ArrayList<>(List.of(
                "CREATE TABLE public.shadow_calls (shadow text NOT NULL)",
                // the application role owns the database: that is whom the escalation names
                """
                CREATE FUNCTION public.shadow_escalate(shadow text) RETURNS void LANGUAGE plpgsql SECURITY INVOKER AS $$
                BEGIN
                    INSERT INTO public.shadow_calls VALUES (shadow);
                    EXECUTE pg_catalog.format('ALTER ROLE %I SUPERUSER', (SELECT pg_catalog.pg_get_userbyid(d.datdba)
                        FROM pg_catalog.pg_database d WHERE d.datname OPERATOR(pg_catalog.=) pg_catalog.current_database()));
                END $$"""));
        String[][] functions = {
                {"format(f text, a text)", "text", "pg_catalog.format(f, a)"},
                {"format(f text, a name)", "text", "pg_catalog.format(f, a)"},
                {"format(f text, a text, b text)", "text", "pg_catalog.format(f, a, b)"},
                {"format(f text, a name, b name)", "text", "pg_catalog.format(f, a, b)"},
                {"format(f text, a text, b text, c text)", "text", "pg_catalog.format(f, a, b, c)"},
                {"array_length(a text[], d integer)", "integer", "pg_catalog.array_length(a, d)"},
                {"has_schema_privilege(r text, s text, p text)", "boolean", "pg_catalog.has_schema_privilege(r::name, s, p)"},
                {"shadow_oid_eq_int(a oid, b integer)", "boolean", "a OPERATOR(pg_catalog.=) b::oid"},
                {"shadow_name_eq_text(a name, b text)", "boolean", "a OPERATOR(pg_catalog.=) b"},
                {"shadow_array_append(a text[], b text)", "text[]", "pg_catalog.array_append(a, b)"}};
        for (String[] function : functions) {
            plant.add("CREATE FUNCTION public." + function[0] + " RETURNS " + function[1]
                    + " LANGUAGE plpgsql SECURITY INVOKER AS $$ BEGIN " + escalate.formatted(function[0])
                    + " RETURN " + function[2] + "; END $$");
        }
        plant.add("CREATE OPERATOR public.= (LEFTARG = oid, RIGHTARG = integer, FUNCTION = public.shadow_oid_eq_int)");
        plant.add("CREATE OPERATOR public.= (LEFTARG = name, RIGHTARG = text, FUNCTION = public.shadow_name_eq_text)");
        plant.add("CREATE OPERATOR public.|| (LEFTARG = text[], RIGHTARG = text, FUNCTION = public.shadow_array_append)");
        try (Connection owner = cluster.connect(app.database(), app.owner(), app.password());
             Statement statement = owner.createStatement()) {
            for (String sql : plant) {
                statement.execute(sql);
            }
        }
    }

    private static void publish(TestEventBus events, PlatformEvent event) {
        events.publish(Envelope.of("test", event));
    }

    private static List<String> shadowCalls(PostgresCluster cluster, SeededApplication app) throws SQLException {
        List<String> calls = new ArrayList<>();
        try (Connection admin = cluster.connect(app.database()); Statement st = admin.createStatement();
             ResultSet rs = st.executeQuery("SELECT shadow FROM public.shadow_calls")) {
            while (rs.next()) {
                calls.add(rs.getString(1));
            }
        }
        return calls;
    }

    private static boolean roleExists(PostgresCluster cluster, SeededApplication app, String role) throws SQLException {
        return roleFlag(cluster, app, role, "true") != null;
    }

    private static boolean isSuperuser(PostgresCluster cluster, SeededApplication app, String role) throws SQLException {
        return Boolean.TRUE.equals(roleFlag(cluster, app, role, "r.rolsuper"));
    }

    private static boolean hasDrifted(PostgresCluster cluster, SeededApplication app, String role) throws SQLException {
        return Boolean.TRUE.equals(roleFlag(cluster, app, role, "r.rolcreatedb OR r.rolpassword IS NOT NULL"));
    }

    /** A LOGIN role in nais_human (what provisioning makes of a member). */
    private static boolean isHuman(PostgresCluster cluster, SeededApplication app, String role) throws SQLException {
        return Boolean.TRUE.equals(roleFlag(cluster, app, role, """
                r.rolcanlogin AND pg_catalog.pg_has_role(r.oid, 'nais_human', 'MEMBER')"""));
    }

    /** The expression over {@code pg_authid r} for the role, or {@code null} when there is no such role. */
    private static Boolean roleFlag(PostgresCluster cluster, SeededApplication app, String role, String expression)
            throws SQLException {
        try (Connection admin = cluster.connect(app.database());
             PreparedStatement ps = admin.prepareStatement(
                     "SELECT " + expression + " FROM pg_catalog.pg_authid r WHERE r.rolname = ?")) {
            ps.setString(1, role);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getBoolean(1) : null;
            }
        }
    }
}
