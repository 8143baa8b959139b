package io.nais.pg.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nais.pg.migration.MigrationException.Failure;
import io.nais.pg.migration.plan.Mode;
import java.io.StringWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Replicate mode between two real clusters: concurrent writes survive the cut-over; tables without a key are refused. */
class ReplicateMigrationTest extends TwoClusterTest {

    @Test
    void tableWithoutPrimaryKeyIsRefusedInReplicateModeBeforeAnythingChanges() throws SQLException {
        String db = "refused";
        Clusters.prepareTarget(target, db);

        assertThatThrownBy(() -> Clusters.run(Clusters.request(Clusters.source(source), Clusters.target(target, db),
                Mode.REPLICATE, false, false), new StringWriter(), new StringWriter()))
                .isInstanceOfSatisfying(MigrationException.class, e -> {
                    assertThat(e.failure()).isEqualTo(Failure.BLOCKED);
                    assertThat(e.getMessage()).contains("table audit.events has no primary key");
                });
        assertThat(Clusters.queryLong(target, db, "SELECT count(*) FROM pg_subscription")).isZero();
        assertThat(Clusters.queryLong(source, Clusters.SOURCE_DB, "SELECT count(*) FROM pg_publication")).isZero();
    }

    @Test
    void concurrentWritesOnTheSourceAreAllOnTheTargetAfterCutover() throws Exception {
        source.execute(Clusters.SOURCE_DB, "CREATE DATABASE busy OWNER " + Clusters.SOURCE_USER);
        try (Connection c = source.connect("busy", Clusters.SOURCE_USER, Clusters.SOURCE_PASSWORD)) {
            c.createStatement().execute("CREATE TABLE public.payments (id bigserial PRIMARY KEY, amount numeric NOT NULL);"
                    + " CREATE TABLE public.balances (account int PRIMARY KEY, total numeric NOT NULL);"
                    + " INSERT INTO public.payments (amount) SELECT g FROM generate_series(1, 20000) g;"
                    + " INSERT INTO public.balances SELECT g, 0 FROM generate_series(1, 50) g;");
        }
        String db = "busy_target";
        Clusters.prepareTarget(target, db);
        var sourceEndpoint = Clusters.source(source).withDatabase("busy");
        var targetEndpoint = Clusters.target(target, db);

        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicLong written = new AtomicLong();
        Thread writer = new Thread(() -> write(writing, written), "source-writer");
        writer.start();
        try {
            StringWriter err = new StringWriter();
            Migration.Outcome started = Clusters.run(Clusters.request(sourceEndpoint, targetEndpoint, Mode.REPLICATE, false, false),
                    new StringWriter(), err);
            assertThat(started.verification()).isNull();
            assertThat(err.toString()).contains("caught up");
            Thread.sleep(1000); // writes keep flowing through the subscription
        } finally {
            writing.set(false); // the team stops writes
            writer.join();
        }
        assertThat(written.get()).isPositive();

        Migration.Outcome cut = Clusters.run(Clusters.request(sourceEndpoint, targetEndpoint, Mode.REPLICATE, true, false),
                new StringWriter(), new StringWriter());

        assertThat(cut.verification().ok()).isTrue();
        assertThat(Clusters.queryLong(target, db, "SELECT count(*) FROM public.payments")).isEqualTo(20000 + written.get());
        assertThat(Clusters.queryLong(target, db, "SELECT sum(total) FROM public.balances")).isEqualTo(written.get());
        // sequences were copied: the next id on the target follows the source's last one
        assertThat(Clusters.queryLong(target, db, "SELECT nextval('public.payments_id_seq')")).isEqualTo(20000 + written.get() + 1);
        assertThat(Clusters.queryLong(target, db, "SELECT count(*) FROM pg_subscription")).isZero();
        assertThat(Clusters.queryLong(source, "busy", "SELECT count(*) FROM pg_replication_slots")).isZero();
        assertThat(cut.cutoverPause()).isNotNull();
    }

    /** Inserts a payment and updates a balance per transaction until told to stop. */
    private static void write(AtomicBoolean writing, AtomicLong written) {
        try (Connection c = source.connect("busy", Clusters.SOURCE_USER, Clusters.SOURCE_PASSWORD);
             PreparedStatement insert = c.prepareStatement("INSERT INTO public.payments (amount) VALUES (1)");
             PreparedStatement update = c.prepareStatement("UPDATE public.balances SET total = total + 1 WHERE account = ?")) {
            c.setAutoCommit(false);
            while (writing.get()) {
                insert.execute();
                update.setInt(1, 1 + (int) (written.get() % 50));
                update.execute();
                c.commit();
                written.incrementAndGet();
                Thread.sleep(2);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
