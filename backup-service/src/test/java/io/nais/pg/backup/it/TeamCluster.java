package io.nais.pg.backup.it;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.nais.pg.events.ClusterDiscovered;
import io.nais.pg.events.Envelope;
import io.nais.pg.testsupport.Infrastructure;
import io.nais.pg.testsupport.kafka.TestEventBus;
import io.nais.pg.testsupport.postgres.PostgresCluster;
import io.nais.pg.testsupport.postgres.SeededApplication;

/**
 * A team's application cluster for a test: a real PostgreSQL with the seeded
 * application (customers, orders) plus a table in a second schema and a large
 * table, announced to the service with a real ClusterDiscovered on Kafka.
 */
public final class TeamCluster {

    public final String team;
    public final String app;
    public final PostgresCluster postgres;
    public final SeededApplication seeded;

    private TeamCluster(String team, String app, PostgresCluster postgres, SeededApplication seeded) {
        this.team = team;
        this.app = app;
        this.postgres = postgres;
        this.seeded = seeded;
    }

    public String clusterId() {
        return team + "/" + app;
    }

    public String database() {
        return seeded.database();
    }

    /** Starts a cluster with {@code largeRows} rows in {@code public.events} (each ~100 bytes of poorly compressible text). */
    public static TeamCluster start(Infrastructure infra, String team, String app, long largeRows) {
        // shaped as production clusters are: only the known roles log in (the admin, the application, restore logins)
        PostgresCluster postgres = infra.newCluster(team + "-" + app,
                options -> options.onlyKnownRoles(SeededApplication.ownerOf(app), "+nais_restore"));
        SeededApplication seeded = postgres.seedApplication(app);
        postgres.execute(seeded.database(), """
                CREATE SCHEMA billing;
                CREATE TABLE billing.invoices (id int PRIMARY KEY, "Total Amount" numeric NOT NULL);
                INSERT INTO billing.invoices SELECT g, g * 1.5 FROM generate_series(1, 250) g;
                CREATE TABLE public.events (id bigint PRIMARY KEY, payload text NOT NULL);
                INSERT INTO public.events
                     SELECT g, md5(g::text) || md5((g * 31)::text) || md5((g * 7)::text)
                       FROM generate_series(1, %d) g;
                CREATE TABLE public.empty_table (id int);
                """.formatted(largeRows));
        return new TeamCluster(team, app, postgres, seeded);
    }

    /**
     * Small clusters for the scheduler's tests: one seeded application each,
     * all on one PostgreSQL server (each is a cluster to the service: its own
     * id and database), so many clusters cost one server process.
     */
    public static List<TeamCluster> onOneServer(Infrastructure infra, String team, List<String> apps) {
        String[] known = java.util.stream.Stream.concat(apps.stream().map(SeededApplication::ownerOf),
                java.util.stream.Stream.of("+nais_restore")).toArray(String[]::new);
        PostgresCluster postgres = infra.newCluster(team, options -> options.onlyKnownRoles(known));
        return apps.stream().map(app -> new TeamCluster(team, app, postgres, postgres.seedApplication(app))).toList();
    }

    /** Announces the cluster as console-sync would. */
    public void announce(TestEventBus events) {
        events.publish(Envelope.of("console-sync-service", new ClusterDiscovered(clusterId(), team, app,
                postgres.host(), postgres.port(), database(), seeded.owner(), List.of("public", "billing"),
                "file:" + postgres.adminSecretFile(), "15", "Running")));
    }

    /** Rows per table ({@code schema.table}) of {@code database} on {@code server}, counted plainly. */
    public static Map<String, Long> rowsPerTable(PostgresCluster server, String database) throws SQLException {
        Map<String, Long> counts = new TreeMap<>();
        try (Connection c = server.connect(database); Statement s = c.createStatement();
             ResultSet tables = s.executeQuery("""
                     SELECT table_schema, table_name FROM information_schema.tables
                      WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')
                     """)) {
            List<String[]> names = new java.util.ArrayList<>();
            while (tables.next()) {
                names.add(new String[] {tables.getString(1), tables.getString(2)});
            }
            for (String[] name : names) {
                try (Statement count = c.createStatement();
                     ResultSet rs = count.executeQuery("SELECT count(*) FROM \"" + name[0].replace("\"", "\"\"")
                             + "\".\"" + name[1].replace("\"", "\"\"") + "\"")) {
                    rs.next();
                    counts.put(name[0] + "." + name[1], rs.getLong(1));
                }
            }
        }
        return counts;
    }

    public static final Duration EVENT_TIMEOUT = Duration.ofSeconds(90);
}
