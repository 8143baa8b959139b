package io.nais.pg.kit.inbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;
import jakarta.transaction.TransactionalException;
import javax.sql.DataSource;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.MeterRegistry;
import io.nais.pg.events.Envelope;
import io.nais.pg.events.TeamMemberAdded;
import io.nais.pg.testsupport.RealInfrastructure;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@RealInfrastructure(kafka = true, postgres = true)
class InboxTest {

    @Inject
    Inbox inbox;

    @Inject
    DataSource dataSource;

    @Inject
    MeterRegistry meters;

    @Test
    void secondDeliveryOfAnEventIsRecognised() {
        UUID eventId = UUID.randomUUID();

        assertThat(firstDelivery(eventId, "consumer-a")).isTrue();
        assertThat(firstDelivery(eventId, "consumer-a")).isFalse();
    }

    @Test
    void eachConsumerSeesItsOwnFirstDelivery() {
        UUID eventId = UUID.randomUUID();

        assertThat(firstDelivery(eventId, "consumer-a")).isTrue();
        assertThat(firstDelivery(eventId, "consumer-b")).isTrue();
    }

    @Test
    void rolledBackHandlerLeavesTheEventUnprocessed() {
        UUID eventId = UUID.randomUUID();

        assertThatThrownBy(() -> QuarkusTransaction.requiringNew().run(() -> {
            inbox.firstDelivery(eventId, "consumer-a");
            throw new IllegalStateException("handler failed");
        })).hasMessageContaining("handler failed");

        assertThat(firstDelivery(eventId, "consumer-a")).isTrue();
    }

    /** nais_events_processed_total{consumer}: what a consumer applied, counted once its transaction committed. */
    @Test
    void onlyCommittedFirstDeliveriesAreCountedAsProcessed() {
        String consumer = "consumer-counted";
        UUID applied = UUID.randomUUID();
        UUID rolledBack = UUID.randomUUID();
        double before = processed(consumer);

        assertThat(firstDelivery(applied, consumer)).isTrue();
        assertThat(firstDelivery(applied, consumer)).as("a redelivery").isFalse();
        assertThatThrownBy(() -> QuarkusTransaction.requiringNew().run(() -> {
            inbox.firstDelivery(rolledBack, consumer);
            throw new IllegalStateException("handler failed");
        })).hasMessageContaining("handler failed");
        assertThat(firstDeliveries(List.of(UUID.randomUUID(), UUID.randomUUID(), applied), consumer)).hasSize(2);

        assertThat(processed(consumer)).isEqualTo(before + 3);
    }

    /** Events a consumer keeps idempotent by a key of its own count too, and also only once committed. */
    @Test
    void eventsCountedByTheConsumerItselfAreCountedOnceCommitted() {
        String consumer = "consumer-self-keyed";
        double before = processed(consumer);

        QuarkusTransaction.requiringNew().run(() -> inbox.countApplied(consumer, 2));
        assertThatThrownBy(() -> QuarkusTransaction.requiringNew().run(() -> {
            inbox.countApplied(consumer, 5);
            throw new IllegalStateException("handler failed");
        })).hasMessageContaining("handler failed");

        assertThat(processed(consumer)).isEqualTo(before + 2);
    }

    private double processed(String consumer) {
        var counter = meters.find(Inbox.PROCESSED).tag("consumer", consumer).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void recordingOutsideTheHandlersTransactionIsRefused() {
        assertThatThrownBy(() -> inbox.firstDelivery(UUID.randomUUID(), "consumer-a"))
                .isInstanceOf(TransactionalException.class);
    }

    @Test
    void aBatchReturnsOnlyTheEventsNotSeenBefore() {
        UUID seen = UUID.randomUUID();
        UUID fresh = UUID.randomUUID();
        UUID alsoFresh = UUID.randomUUID();
        assertThat(firstDelivery(seen, "consumer-a")).isTrue();

        assertThat(firstDeliveries(List.of(seen, fresh, alsoFresh), "consumer-a")).containsExactlyInAnyOrder(fresh,
                alsoFresh);
        assertThat(firstDeliveries(List.of(seen, fresh, alsoFresh), "consumer-a")).isEmpty();
        // the single-event form sees what the batch recorded
        assertThat(firstDelivery(fresh, "consumer-a")).isFalse();
    }

    @Test
    void anEventTwiceInOneBatchIsAFirstDeliveryOnce() {
        UUID twice = UUID.randomUUID();

        assertThat(firstDeliveries(List.of(twice, twice), "consumer-a")).containsExactly(twice);
    }

    @Test
    void aBatchOfEnvelopesKeepsTheNewOnesInOrderAndEachOnce() {
        Envelope<TeamMemberAdded> seen = Envelope.of("test", new TeamMemberAdded("team-a", "seen@example.com"));
        Envelope<TeamMemberAdded> second = Envelope.of("test", new TeamMemberAdded("team-a", "b@example.com"));
        Envelope<TeamMemberAdded> first = Envelope.of("test", new TeamMemberAdded("team-a", "a@example.com"));
        assertThat(firstDelivery(seen.metadata().id(), "consumer-a")).isTrue();

        assertThat(QuarkusTransaction.requiringNew().call(() -> inbox.firstDeliveriesOf(
                List.of(second, seen, first, second), "consumer-a"))).containsExactly(second, first);
        assertThat(QuarkusTransaction.requiringNew().call(() -> inbox.firstDeliveriesOf(
                List.of(second, first), "consumer-a"))).isEmpty();
    }

    @Test
    void aBatchIsRecordedPerConsumer() {
        UUID eventId = UUID.randomUUID();
        assertThat(firstDeliveries(List.of(eventId), "consumer-a")).containsExactly(eventId);

        assertThat(firstDeliveries(List.of(eventId), "consumer-b")).containsExactly(eventId);
    }

    @Test
    void rolledBackBatchLeavesEveryEventUnprocessed() {
        UUID first = UUID.randomUUID();
        UUID second = UUID.randomUUID();

        assertThatThrownBy(() -> QuarkusTransaction.requiringNew().run(() -> {
            inbox.firstDeliveries(List.of(first, second), "consumer-a");
            throw new IllegalStateException("handler failed");
        })).hasMessageContaining("handler failed");

        assertThat(firstDeliveries(List.of(second, first), "consumer-a")).containsExactlyInAnyOrder(first, second);
    }

    @Test
    void aBatchRacingItsOwnRedeliveryAppliesEachEventOnce() throws Exception {
        UUID shared = UUID.randomUUID();
        UUID onlyFirst = UUID.randomUUID();
        CountDownLatch firstHoldsItsRows = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Set<UUID>> first = CompletableFuture.supplyAsync(() -> QuarkusTransaction.requiringNew()
                .call(() -> {
                    Set<UUID> claimed = inbox.firstDeliveries(List.of(shared, onlyFirst), "consumer-a");
                    firstHoldsItsRows.countDown();
                    release.await(10, TimeUnit.SECONDS);
                    return claimed;
                }));
        assertThat(firstHoldsItsRows.await(10, TimeUnit.SECONDS)).isTrue();
        // the redelivery waits on the first transaction's row lock and sees the conflict once it commits
        CompletableFuture<Set<UUID>> redelivery = CompletableFuture.supplyAsync(
                () -> firstDeliveries(List.of(shared), "consumer-a"));
        awaitABackendWaitingOnALock(); // the redelivery is blocked on the first's row lock, not merely slow
        assertThat(redelivery).isNotDone();
        release.countDown();

        assertThat(first.get(10, TimeUnit.SECONDS)).containsExactlyInAnyOrder(shared, onlyFirst);
        assertThat(redelivery.get(10, TimeUnit.SECONDS)).isEmpty();
    }

    @Test
    void recordingABatchOutsideTheHandlersTransactionIsRefused() {
        assertThatThrownBy(() -> inbox.firstDeliveries(List.of(UUID.randomUUID()), "consumer-a"))
                .isInstanceOf(TransactionalException.class);
    }

    private void awaitABackendWaitingOnALock() {
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
            try (Connection connection = dataSource.getConnection();
                 ResultSet waiting = connection.createStatement().executeQuery("select count(*) from pg_stat_activity"
                         + " where datname = current_database() and wait_event_type = 'Lock'")) {
                return waiting.next() && waiting.getInt(1) == 1;
            }
        });
    }

    private Set<UUID> firstDeliveries(List<UUID> eventIds, String consumer) {
        return QuarkusTransaction.requiringNew().call(() -> inbox.firstDeliveries(eventIds, consumer));
    }

    private boolean firstDelivery(UUID eventId, String consumer) {
        return QuarkusTransaction.requiringNew().call(() -> inbox.firstDelivery(eventId, consumer));
    }
}
