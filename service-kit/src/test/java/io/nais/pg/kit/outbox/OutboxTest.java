package io.nais.pg.kit.outbox;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.containsString;

import java.net.URL;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

import javax.sql.DataSource;

import jakarta.inject.Inject;
import jakarta.transaction.TransactionalException;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.nais.pg.events.BackupFailed;
import io.nais.pg.events.Envelope;
import io.nais.pg.events.EventCodec;
import io.nais.pg.events.EventTopic;
import io.nais.pg.testsupport.InjectInfrastructure;
import io.nais.pg.testsupport.Infrastructure;
import io.nais.pg.testsupport.RealInfrastructure;
import io.nais.pg.testsupport.kafka.TestEventBus;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The kit test application runs with a one-hour sweep (src/test application.properties),
 * so an event that arrives here was sent because its commit woke the relay.
 */
@QuarkusTest
@RealInfrastructure(kafka = true, postgres = true)
class OutboxTest {

    private static final Duration ARRIVAL = Duration.ofSeconds(20);

    @InjectInfrastructure
    Infrastructure infra;

    @Inject
    Outbox outbox;

    @Inject
    DataSource dataSource;

    @TestHTTPResource(value = "/metrics", management = true)
    URL metrics;

    private TestEventBus events;

    @AfterEach
    void closeBus() {
        if (events != null) {
            events.close();
        }
    }

    @Test
    void committedEventsAreSentOnceInOrderAfterTheirCommitWokeTheRelay() {
        String cluster = uniqueCluster();
        Envelope<BackupFailed> failed = backupFailed(cluster, "disk full");
        Envelope<BackupFailed> later = backupFailed(cluster, "later event of the same key");

        QuarkusTransaction.requiringNew().run(() -> outbox.publish(failed));
        QuarkusTransaction.requiringNew().run(() -> outbox.publish(later));

        // the later event of the same key is behind the first on the partition
        bus().await(EventTopic.BACKUPS, e -> e.metadata().id().equals(later.metadata().id()), ARRIVAL);
        assertThat(bus().readAll(EventTopic.BACKUPS))
                .filteredOn(e -> e.key().equals(cluster))
                .extracting(e -> e.metadata().id())
                .containsExactly(failed.metadata().id(), later.metadata().id());
        awaitNoRowsFor(cluster);
    }

    @Test
    void rolledBackTransactionEmitsNothing() {
        String cluster = uniqueCluster();
        Envelope<BackupFailed> rolledBack = backupFailed(cluster, "never committed");
        Envelope<BackupFailed> marker = backupFailed(cluster, "committed after the rollback");

        assertThatThrownBy(() -> QuarkusTransaction.requiringNew().run(() -> {
            outbox.publish(rolledBack);
            throw new IllegalStateException("the caller's work failed");
        })).hasMessageContaining("the caller's work failed");
        QuarkusTransaction.requiringNew().run(() -> outbox.publish(marker));

        bus().await(EventTopic.BACKUPS, e -> e.metadata().id().equals(marker.metadata().id()), ARRIVAL);
        assertThat(bus().findNow(EventTopic.BACKUPS, e -> e.metadata().id().equals(rolledBack.metadata().id())))
                .isEmpty();
        awaitNoRowsFor(cluster);
    }

    /** The operators' alerts (deploy/base/alerts.yaml) count announced facts: a commit counts, a rollback does not. */
    @Test
    void committedEventsAreCountedByTypeAndRolledBackOnesAreNot() {
        String cluster = uniqueCluster();
        double before = publishedBackupFailures();
        assertThatThrownBy(() -> QuarkusTransaction.requiringNew().run(() -> {
            outbox.publish(backupFailed(cluster, "never committed"));
            throw new IllegalStateException("the caller's work failed");
        })).hasMessageContaining("the caller's work failed");
        assertThat(publishedBackupFailures()).isEqualTo(before);
        QuarkusTransaction.requiringNew().run(() -> outbox.publish(backupFailed(cluster, "one")));
        QuarkusTransaction.requiringNew().run(() -> outbox.publishAll(List.of(backupFailed(cluster, "two"),
                backupFailed(cluster, "three"))));
        assertThat(publishedBackupFailures()).isEqualTo(before + 3);
        awaitNoRowsFor(cluster);
    }

    /**
     * A row the relay has not sent shows its age (alert NaisPgOutboxStuck). Written with SQL, as a crashed writer
     * leaves it, so no commit wakes the relay: it waits for the hourly sweep, and the gauge shows it waiting.
     */
    @Test
    void theOldestUnsentEventsAgeIsAGauge() throws SQLException {
        String cluster = uniqueCluster();
        Awaitility.await().atMost(ARRIVAL).until(() -> scraped("nais_outbox_pending") == 0);
        Envelope<BackupFailed> stuck = backupFailed(cluster, "waiting since ten minutes ago");
        try (Connection connection = dataSource.getConnection(); PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO outbox_event (id, topic, record_key, payload, created_at)
                VALUES (?, ?, ?, ?, now() - interval '10 minutes')
                """)) {
            insert.setObject(1, stuck.metadata().id());
            insert.setString(2, stuck.topic().topicName());
            insert.setString(3, stuck.key());
            insert.setBytes(4, EventCodec.encode(stuck));
            insert.executeUpdate();
        }
        assertThat(scraped("nais_outbox_oldest_age_seconds")).isGreaterThanOrEqualTo(600);
        QuarkusTransaction.requiringNew().run(() -> outbox.publish(backupFailed(cluster, "wakes the relay")));
        awaitNoRowsFor(cluster);
        assertThat(scraped("nais_outbox_oldest_age_seconds")).isLessThan(600);
    }

    /** One unlabelled series as Prometheus scrapes it from the management port. */
    private double scraped(String series) {
        String scraped = given().accept("text/plain").when().get(metrics).then().statusCode(200).extract().asString();
        return scraped.lines().filter(line -> line.startsWith(series + " ") || line.startsWith(series + "{"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).findFirst()
                .orElseThrow(() -> new AssertionError("no " + series + " on " + metrics));
    }

    /** {@code nais_events_published_total{type="nais.pg.BackupFailed.v1"}} as Prometheus scrapes it (0 before the first). */
    private double publishedBackupFailures() {
        String scraped = given().accept("text/plain").when().get(metrics).then().statusCode(200).extract().asString();
        return scraped.lines().filter(line -> line.startsWith("nais_events_published_total{")
                        && line.contains("type=\"nais.pg.BackupFailed.v1\""))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).findFirst().orElse(0);
    }

    @Test
    void publishAllSendsEveryEventOnceInListOrderAcrossInsertChunks() {
        String cluster = uniqueCluster();
        List<Envelope<BackupFailed>> many = IntStream.range(0, Outbox.ROWS_PER_INSERT + 1)
                .mapToObj(i -> backupFailed(cluster, "event " + i)).toList();

        QuarkusTransaction.requiringNew().run(() -> outbox.publishAll(many));

        Envelope<BackupFailed> last = many.get(many.size() - 1);
        bus().await(EventTopic.BACKUPS, e -> e.metadata().id().equals(last.metadata().id()), ARRIVAL);
        assertThat(bus().readAll(EventTopic.BACKUPS))
                .filteredOn(e -> e.key().equals(cluster))
                .extracting(e -> e.metadata().id())
                .containsExactlyElementsOf(many.stream().map(e -> e.metadata().id()).toList());
        awaitNoRowsFor(cluster);
    }

    @Test
    void rolledBackPublishAllEmitsNothing() {
        String cluster = uniqueCluster();
        List<Envelope<BackupFailed>> rolledBack = List.of(backupFailed(cluster, "never 1"),
                backupFailed(cluster, "never 2"));
        Envelope<BackupFailed> marker = backupFailed(cluster, "committed after the rollback");

        assertThatThrownBy(() -> QuarkusTransaction.requiringNew().run(() -> {
            outbox.publishAll(rolledBack);
            throw new IllegalStateException("the caller's work failed");
        })).hasMessageContaining("the caller's work failed");
        QuarkusTransaction.requiringNew().run(() -> outbox.publishAll(List.of(marker)));

        bus().await(EventTopic.BACKUPS, e -> e.metadata().id().equals(marker.metadata().id()), ARRIVAL);
        assertThat(bus().readAll(EventTopic.BACKUPS)).filteredOn(e -> e.key().equals(cluster))
                .extracting(e -> e.metadata().id()).containsExactly(marker.metadata().id());
    }

    @Test
    void publishAllOutsideATransactionIsRefused() {
        assertThatThrownBy(() -> outbox.publishAll(List.of(backupFailed(uniqueCluster(), "no transaction"))))
                .isInstanceOf(TransactionalException.class);
    }

    @Test
    void publishOutsideATransactionIsRefused() {
        assertThatThrownBy(() -> outbox.publish(backupFailed(uniqueCluster(), "no transaction")))
                .isInstanceOf(TransactionalException.class);
    }

    @Test
    void pendingRowsAreAPrometheusGauge() {
        given().when().get(metrics).then().statusCode(200)
                .body(containsString("nais_outbox_pending"));
    }

    private TestEventBus bus() {
        if (events == null) {
            events = infra.events();
        }
        return events;
    }

    /** The relay deletes a row right after the ack, so the consumer may see the record first. */
    private void awaitNoRowsFor(String cluster) {
        Awaitility.await().atMost(ARRIVAL).until(() -> rowsFor(cluster) == 0);
    }

    private long rowsFor(String cluster) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement count = connection.prepareStatement(
                     "SELECT count(*) FROM outbox_event WHERE record_key = ?")) {
            count.setString(1, cluster);
            try (ResultSet row = count.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    static String uniqueCluster() {
        return "team-kit/app-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static Envelope<BackupFailed> backupFailed(String cluster, String reason) {
        return Envelope.of("kit-test", new BackupFailed(UUID.randomUUID(), cluster, reason));
    }
}
