package io.nais.pg.bench;

import io.nais.pg.migration.Migration;
import io.nais.pg.migration.MigrationRequest;
import io.nais.pg.migration.connect.Endpoint;
import io.nais.pg.migration.dump.PgTools;
import io.nais.pg.migration.plan.Mode;
import io.nais.pg.migration.report.MigrationEvents;
import io.nais.pg.testsupport.postgres.PostgresCluster;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Replicate-mode cut-over pause (issue 10): a pgbench database of about
 * SIZE_MB on a wal_level=logical source, pgbench writing to it while
 * replication is set up and catches up; then pgbench stops (the team stops
 * writes) and {@code --cutover} runs. Prints the pause from "writes stopped"
 * to "target ready" (zero lag, sequences, subscription dropped; target < 10 s),
 * and the verification time after it separately.
 */
public final class MigrationCutover {

    public static void main(String[] args) throws Exception {
        int sizeMb = args.length > 0 ? Integer.parseInt(args[0]) : 1024;
        try (PostgresCluster source = PostgresCluster.builder().name("cut-source").setting("wal_level", "logical").start();
             PostgresCluster target = PostgresCluster.builder().name("cut-target").start()) {
            source.execute("postgres", "CREATE DATABASE src");
            int scale = Math.max(1, Math.round(sizeMb / 15f));
            pgbench(source, List.of("-i", "-q", "-s", Integer.toString(scale), "src")).waitFor();
            // logical replication needs a key on every table; pgbench_history has none
            source.execute("src", "ALTER TABLE pgbench_history ADD COLUMN id bigserial PRIMARY KEY");
            target.createLoginRole("app_owner", "bench");
            target.createDatabase("app", "app_owner");
            target.createDatabase("baseline", "app_owner");
            Endpoint from = new Endpoint(source.host(), source.port(), "src", source.adminUser(), source.adminPassword(), "disable");
            Endpoint to = new Endpoint(target.host(), target.port(), "app", target.adminUser(), target.adminPassword(),
                    Endpoint.VERIFY_FULL, target.serverCaFile().toString());

            Process writes = pgbench(source, List.of("-c", "2", "-T", "3600", "-R", "200", "src"));
            long setup = System.nanoTime();
            migration(from, to, false);
            double setupSeconds = (System.nanoTime() - setup) / 1e9;
            Thread.sleep(3000); // replication keeps up with ongoing writes
            long stopped = System.nanoTime();
            writes.destroy(); // the team stops writes
            writes.waitFor();
            Migration.Outcome cut = migration(from, to, true);
            double verification = cut.verification().duration().toMillis() / 1000.0;
            double pause = (System.nanoTime() - stopped) / 1e9 - verification;
            // the downtime dump mode would need for the same database, measured in the same run
            double dumpDowntime = MigrationDump.baseline(source, target, "baseline");

            System.out.printf(Locale.ROOT, "source: pgbench scale %d (~%d MB), pgbench -R 200 tps during setup%n", scale, sizeMb);
            System.out.printf(Locale.ROOT, "replicate setup (schema, publication, subscription, initial copy, catch-up): %.2f s%n", setupSeconds);
            System.out.printf(Locale.ROOT, "cut-over pause (writes stopped -> target ready, incl. plan): %.2f s (cutover step alone %.2f s;"
                    + " target < 10 s)%n", pause, cut.cutoverPause().toMillis() / 1000.0);
            System.out.printf(Locale.ROOT, "baseline downtime of a plain pg_dump -Fc | pg_restore: %.2f s; pause/baseline ratio %.2f%n",
                    dumpDowntime, pause / dumpDowntime);
            System.out.printf(Locale.ROOT, "verification after cut-over: %.2f s, %d rows, ok=%s%n",
                    verification, cut.verification().rows(), cut.verification().ok());
        }
    }

    private static Migration.Outcome migration(Endpoint from, Endpoint to, boolean cutover) {
        return new Migration(new MigrationRequest("bench/app", from, to, Mode.REPLICATE, false, cutover, false, null,
                Duration.ofHours(1)), PgTools.locate(System::getenv), MigrationEvents.none(), new PrintWriter(Writer.nullWriter()),
                new PrintWriter(new StringWriter())).run();
    }

    private static Process pgbench(PostgresCluster cluster, List<String> arguments) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(cluster.binDir().resolve("pgbench").toString()));
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().putAll(Map.of("PGHOST", cluster.host(), "PGPORT", Integer.toString(cluster.port()),
                "PGUSER", cluster.adminUser(), "PGPASSWORD", cluster.adminPassword()));
        return builder.start();
    }
}
