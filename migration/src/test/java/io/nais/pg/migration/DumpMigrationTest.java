package io.nais.pg.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nais.pg.migration.MigrationException.Failure;
import io.nais.pg.migration.connect.Endpoint;
import io.nais.pg.migration.plan.DatabaseProfile;
import io.nais.pg.migration.plan.Inspector;
import io.nais.pg.migration.plan.Mode;
import io.nais.pg.migration.verify.VerificationReport;
import io.nais.pg.migration.verify.Verifier;
import java.io.StringWriter;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Dump mode between two real clusters: copy, ownership, human access, refusals, verification. */
class DumpMigrationTest extends TwoClusterTest {

    @Test
    void dumpModeCopiesEverySchemaOwnedByTheApplicationRoleAndVerifies() throws SQLException {
        String db = "copy_all";
        Clusters.prepareTarget(target, db);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();

        Migration.Outcome outcome = Clusters.run(Clusters.request(Clusters.source(source), Clusters.target(target, db),
                Mode.DUMP, false, false), out, err);

        assertThat(outcome.verification().ok()).isTrue();
        assertThat(outcome.verification().tables()).hasSize(4);
        assertThat(outcome.verification().rows()).isEqualTo(io.nais.pg.testsupport.postgres.CloudSqlSource.ROWS);
        assertThat(out.toString()).contains("MATCH").contains("sales.orders").contains("audit.events");
        assertThat(err.toString()).contains("copy: ");
        // every migrated relation belongs to the application role, none to the source's role
        assertThat(Clusters.queryLong(target, db, "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE n.nspname IN ('public', 'sales', 'audit') AND pg_get_userbyid(c.relowner) <> '" + Clusters.APP_ROLE + "'"))
                .isZero();
        assertThat(Clusters.queryLong(target, db, "SELECT count(*) FROM pg_roles WHERE rolname = '" + Clusters.SOURCE_USER + "'")).isZero();
        // view, enum, index and sequence position came along
        assertThat(Clusters.queryLong(target, db, "SELECT count(*) FROM sales.paid_orders")).isEqualTo(16667);
        assertThat(Clusters.queryLong(target, db, "SELECT count(*) FROM pg_indexes WHERE indexname = 'orders_customer'")).isEqualTo(1);
        assertThat(Clusters.queryLong(target, db, "SELECT nextval('sales.invoice_no')")).isEqualTo(1017);
    }

    @Test
    void humanMemberCanSelectAMigratedTableButNotChangeTheSchema() throws SQLException {
        String db = "human_access";
        Clusters.prepareTarget(target, db);
        Clusters.run(Clusters.request(Clusters.source(source), Clusters.target(target, db), Mode.DUMP, false, false),
                new StringWriter(), new StringWriter());
        Clusters.addHuman(target, db, "dev@example.com");
        // the platform's resync grants USAGE on schemas that appeared; here: the schemas given before the migration
        Clusters.humanAccess(target, db, List.of("public", "sales", "audit"));

        try (Connection c = target.connect(db); Statement st = c.createStatement()) {
            st.execute("SET ROLE \"dev@example.com\"");
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM sales.orders")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(50000);
            }
            assertThatThrownBy(() -> st.execute("CREATE TABLE sales.sneaky (id int)"))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("42501"));
        }
    }

    @Test
    void nonEmptyTargetIsRefusedWithoutForceAndLeftUnchanged() throws SQLException {
        String db = "not_empty";
        Clusters.prepareTarget(target, db);
        target.execute(db, "CREATE TABLE public.existing (id int); INSERT INTO public.existing VALUES (1)");

        assertThatThrownBy(() -> Clusters.run(Clusters.request(Clusters.source(source), Clusters.target(target, db), Mode.DUMP,
                false, false), new StringWriter(), new StringWriter()))
                .isInstanceOfSatisfying(MigrationException.class, e -> {
                    assertThat(e.failure()).isEqualTo(Failure.BLOCKED);
                    assertThat(e.getMessage()).contains("not empty").contains("--force");
                });
        assertThat(Clusters.queryLong(target, db, "SELECT count(*) FROM pg_tables WHERE schemaname IN ('sales', 'audit')")).isZero();

        Migration.Outcome forced = Clusters.run(Clusters.request(Clusters.source(source), Clusters.target(target, db), Mode.DUMP,
                false, true), new StringWriter(), new StringWriter());
        assertThat(forced.verification().ok()).isTrue();
    }

    @Test
    void aCorruptedTargetRowFailsVerificationNamingTheTable() throws SQLException {
        String db = "corrupted";
        Clusters.prepareTarget(target, db);
        Endpoint sourceEndpoint = Clusters.source(source);
        Endpoint targetEndpoint = Clusters.target(target, db);
        Clusters.run(Clusters.request(sourceEndpoint, targetEndpoint, Mode.DUMP, false, false), new StringWriter(), new StringWriter());

        target.execute(db, "UPDATE sales.orders SET amount = amount + 0.01 WHERE id = 4242");

        DatabaseProfile profile;
        try (Connection c = sourceEndpoint.connect("source")) {
            profile = Inspector.source(c);
        }
        VerificationReport report = Verifier.verify(sourceEndpoint, targetEndpoint, profile.tables(), profile.sequences());
        assertThat(report.ok()).isFalse();
        assertThat(report.mismatches()).containsExactly("sales.orders");
        StringWriter printed = new StringWriter();
        report.print(new java.io.PrintWriter(printed, true));
        assertThat(printed.toString()).contains("MISMATCH in [sales.orders]");
    }

    @Test
    void aDuplicatedRowInATableWithoutPrimaryKeyFailsVerification() throws SQLException {
        String db = "duplicated";
        Clusters.prepareTarget(target, db);
        Endpoint sourceEndpoint = Clusters.source(source);
        Endpoint targetEndpoint = Clusters.target(target, db);
        Clusters.run(Clusters.request(sourceEndpoint, targetEndpoint, Mode.DUMP, false, false), new StringWriter(), new StringWriter());
        // same row count, one row swapped for a copy of another: only the content checksum can tell
        target.execute(db, "DELETE FROM audit.events WHERE ctid = (SELECT min(ctid) FROM audit.events WHERE actor = 'actor 1');"
                + " INSERT INTO audit.events SELECT * FROM audit.events WHERE actor = 'actor 2' LIMIT 1");

        DatabaseProfile profile;
        try (Connection c = sourceEndpoint.connect("source")) {
            profile = Inspector.source(c);
        }
        assertThat(Verifier.verify(sourceEndpoint, targetEndpoint, profile.tables(), profile.sequences()).mismatches())
                .containsExactly("audit.events");
    }

    @Test
    void aRestoreThatFailsHalfwayLeavesTheTargetUnchangedAndARerunSucceeds() throws SQLException {
        String db = "rerun";
        Clusters.prepareTarget(target, db);
        // the application role may create in public but not new schemas: the restore creates the enum type, then fails
        target.execute(db, "ALTER DATABASE rerun OWNER TO postgres; REVOKE CREATE ON DATABASE rerun FROM PUBLIC;"
                + " GRANT CREATE ON SCHEMA public TO " + Clusters.APP_ROLE);
        MigrationRequest asApp = new MigrationRequest("team-a/demo-app", Clusters.source(source), Clusters.target(target, db),
                Mode.DUMP, false, false, false, Clusters.APP_ROLE, java.time.Duration.ofMinutes(1));

        assertThatThrownBy(() -> Clusters.run(asApp, new StringWriter(), new StringWriter()))
                .isInstanceOfSatisfying(MigrationException.class, e -> {
                    assertThat(e.failure()).isEqualTo(Failure.COPY_FAILED);
                    assertThat(e.getMessage()).contains("pg_restore").contains("the target is unchanged")
                            .contains("permission denied");
                });
        assertThat(Clusters.queryLong(target, db, "SELECT count(*) FROM pg_type WHERE typname = 'order_status'")).isZero();
        assertThat(Clusters.queryLong(target, db, "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE n.nspname IN ('public', 'sales', 'audit')")).isZero();

        target.execute(db, "GRANT CREATE ON DATABASE rerun TO " + Clusters.APP_ROLE);
        assertThat(Clusters.run(asApp, new StringWriter(), new StringWriter()).verification().ok()).isTrue();
    }

    @Test
    void wrongSourcePasswordIsReportedWithoutThePassword() {
        String db = "wrong_password";
        Clusters.prepareTarget(target, db);
        Endpoint wrong = new Endpoint(source.host(), source.port(), Clusters.SOURCE_DB, Clusters.SOURCE_USER, "not-the-Pa55word", "disable");

        assertThatThrownBy(() -> Clusters.run(Clusters.request(wrong, Clusters.target(target, db), Mode.DUMP, false, false),
                new StringWriter(), new StringWriter()))
                .isInstanceOfSatisfying(MigrationException.class, e -> {
                    assertThat(e.failure()).isEqualTo(Failure.UNREACHABLE);
                    assertThat(e.getMessage()).contains("refused the login").contains("28P01").doesNotContain("not-the-Pa55word");
                });
    }
}
