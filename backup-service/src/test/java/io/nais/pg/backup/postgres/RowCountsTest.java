package io.nais.pg.backup.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.nais.pg.backup.it.BackupTestProfile;
import io.nais.pg.testsupport.InjectInfrastructure;
import io.nais.pg.testsupport.Infrastructure;
import io.nais.pg.testsupport.RealInfrastructure;
import io.nais.pg.testsupport.postgres.PostgresCluster;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * On a real PostgreSQL: the count taken beside a dump counts exactly the
 * snapshot's rows, plans without parallel workers (where the same session
 * would otherwise plan a Gather), and the setting ends with the transaction.
 */
@QuarkusTest
@TestProfile(BackupTestProfile.class)
@RealInfrastructure(kafka = true, postgres = true, oidc = true, s3 = true)
class RowCountsTest {

    private static final String DATABASE = "row_counts_test";
    private static final String COUNT = "SELECT count(*) FROM \"Odd Schema\".\"Large Table\"";

    @InjectInfrastructure
    Infrastructure infra;

    @BeforeAll
    static void database() {
        PostgresCluster pg = Infrastructure.shared().postgres();
        pg.execute("postgres", "DROP DATABASE IF EXISTS " + DATABASE);
        pg.execute("postgres", "CREATE DATABASE " + DATABASE);
        pg.execute(DATABASE, """
                CREATE SCHEMA "Odd Schema";
                CREATE TABLE "Odd Schema"."Large Table" (id int PRIMARY KEY, filler text);
                INSERT INTO "Odd Schema"."Large Table" SELECT g, repeat('x', 100) FROM generate_series(1, 20000) g;
                ANALYZE;
                """);
    }

    @Test
    void countBesideADumpCountsTheSnapshotWithoutParallelWorkersUntilTheTransactionEnds() throws Exception {
        try (Connection admin = infra.postgres().connect(DATABASE); Connection writer = infra.postgres().connect(DATABASE)) {
            makeParallelPlansCheap(admin);
            assertThat(plan(admin)).contains("Gather");
            admin.setAutoCommit(false);
            admin.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            single(admin, "SELECT pg_export_snapshot()");
            writer.createStatement().execute("INSERT INTO \"Odd Schema\".\"Large Table\" VALUES (20001, 'late')");

            Map<String, Long> counts = RowCounts.countBesideADump(admin);

            assertThat(counts).containsEntry("Odd Schema.Large Table", 20000L);
            assertThat(plan(admin)).doesNotContain("Gather");
            admin.rollback();
            assertThat(plan(admin)).contains("Gather");
        }
    }

    /** Session settings under which PostgreSQL plans even this small table's count with workers. */
    private static void makeParallelPlansCheap(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("SET parallel_setup_cost = 0");
            statement.execute("SET parallel_tuple_cost = 0");
            statement.execute("SET min_parallel_table_scan_size = 0");
            statement.execute("SET min_parallel_index_scan_size = 0");
            statement.execute("SET max_parallel_workers_per_gather = 2");
        }
    }

    private static String plan(Connection connection) throws SQLException {
        StringBuilder plan = new StringBuilder();
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery("EXPLAIN " + COUNT)) {
            while (rows.next()) {
                plan.append(rows.getString(1)).append('\n');
            }
        }
        return plan.toString();
    }

    private static String single(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getString(1);
        }
    }
}
