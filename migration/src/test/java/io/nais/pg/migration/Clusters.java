package io.nais.pg.migration;

import io.nais.pg.migration.connect.Endpoint;
import io.nais.pg.migration.dump.PgTools;
import io.nais.pg.migration.plan.Mode;
import io.nais.pg.migration.report.MigrationEvents;
import io.nais.pg.testsupport.postgres.CloudSqlSource;
import io.nais.pg.testsupport.postgres.PostgresCluster;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * The two real clusters of the proof: a "Cloud SQL" source (test-support's
 * {@link CloudSqlSource}, shared with backup-service's migration tests) and a platform
 * target (an empty database owned by the application role, as the platform
 * seeds it), plus the platform's human access installed from access-service's
 * own SQL file.
 */
final class Clusters {

    static final String SOURCE_DB = CloudSqlSource.DATABASE;
    static final String SOURCE_USER = CloudSqlSource.USER;
    static final String SOURCE_PASSWORD = CloudSqlSource.PASSWORD;
    static final String TARGET_DB = "demo_app";
    static final String APP_ROLE = "demo_app_owner";

    static final String SOURCE_SCHEMA = CloudSqlSource.SCHEMA;

    private Clusters() {
    }

    static PostgresCluster startSource() {
        return CloudSqlSource.start();
    }

    static PostgresCluster startTarget() {
        return PostgresCluster.builder().name("platform").start();
    }

    static void seedSource(PostgresCluster source, String schemaSql) {
        CloudSqlSource.seed(source, schemaSql);
    }

    /** The platform's state before a migration: the app role owns an empty database; the human group is installed. */
    static void prepareTarget(PostgresCluster target, String database) {
        try {
            if (queryLong(target, "postgres", "SELECT count(*) FROM pg_roles WHERE rolname = '" + APP_ROLE + "'") == 0) {
                target.createLoginRole(APP_ROLE, "app-Pa55");
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        target.createDatabase(database, APP_ROLE);
        humanAccess(target, database, List.of("public", "sales", "audit"));
    }

    /**
     * Provisions the human group as access-service does, by running its own
     * {@code human-roles.sql} (read from the repository, not copied).
     */
    static void humanAccess(PostgresCluster target, String database, List<String> schemas) {
        try (Connection c = target.connect(database); Statement st = c.createStatement()) {
            for (String statement : humanRoleSql()) {
                st.execute(statement);
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_temp.nais_ensure_groups(?, ?)")) {
                ps.setString(1, APP_ROLE);
                ps.setArray(2, c.createArrayOf("text", schemas.toArray()));
                ps.execute();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("installing human access failed (SQLSTATE " + e.getSQLState() + ")", e);
        }
    }

    static void addHuman(PostgresCluster target, String database, String email) {
        try (Connection c = target.connect(database); Statement st = c.createStatement()) {
            for (String statement : humanRoleSql()) {
                st.execute(statement);
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_temp.nais_create_human(?, '{}', '{}', false, 'nais_human_write')")) {
                ps.setString(1, email);
                ps.execute();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("creating the human role failed (SQLSTATE " + e.getSQLState() + ")", e);
        }
    }

    private static List<String> humanRoleSql() {
        Path file = Path.of(System.getProperty("nais.repo.root", "..")).resolve(
                "access-service/src/main/resources/io/nais/pg/access/provisioning/pass/human-roles.sql");
        try {
            return Arrays.stream(Files.readString(file, StandardCharsets.UTF_8).split("(?m)^--;$"))
                    .map(String::strip).filter(s -> !s.isEmpty()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Endpoint source(PostgresCluster source) {
        return new Endpoint(source.host(), source.port(), SOURCE_DB, SOURCE_USER, SOURCE_PASSWORD, "disable");
    }

    /** The target's admin login, as the platform hands it out: the server verified against the cluster's CA. */
    static Endpoint target(PostgresCluster target, String database) {
        return new Endpoint(target.host(), target.port(), database, target.adminUser(), target.adminPassword(),
                Endpoint.VERIFY_FULL, target.serverCaFile().toString());
    }

    static MigrationRequest request(Endpoint source, Endpoint target, Mode mode, boolean cutover, boolean force) {
        return new MigrationRequest("team-a/demo-app", source, target, mode, false, cutover, force, null, Duration.ofMinutes(2));
    }

    static Migration.Outcome run(MigrationRequest request, StringWriter out, StringWriter err) {
        return new Migration(request, PgTools.locate(System::getenv), MigrationEvents.none(), new PrintWriter(out, true),
                new PrintWriter(err, true)).run();
    }

    static long queryLong(PostgresCluster cluster, String database, String sql) throws SQLException {
        try (Connection c = cluster.connect(database); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
