package io.nais.pg.kit.inbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.transaction.TransactionalException;

import org.junit.jupiter.api.Test;

import io.nais.pg.testsupport.RealInfrastructure;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@RealInfrastructure(kafka = true, postgres = true)
class InboxTest {

    @Inject
    Inbox inbox;

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

    @Test
    void recordingOutsideTheHandlersTransactionIsRefused() {
        assertThatThrownBy(() -> inbox.firstDelivery(UUID.randomUUID(), "consumer-a"))
                .isInstanceOf(TransactionalException.class);
    }

    private boolean firstDelivery(UUID eventId, String consumer) {
        return QuarkusTransaction.requiringNew().call(() -> inbox.firstDelivery(eventId, consumer));
    }
}
