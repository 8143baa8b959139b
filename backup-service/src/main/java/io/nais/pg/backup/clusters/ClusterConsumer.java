package io.nais.pg.backup.clusters;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import io.nais.pg.events.ClusterRemoved;
import io.nais.pg.events.ClusterState;
import io.nais.pg.events.Envelope;
import io.nais.pg.kit.inbox.Inbox;
import io.nais.pg.kit.inbox.UntilTheDatabaseAnswers;
import io.nais.pg.kit.logging.LogContext;
import io.smallrye.reactive.messaging.annotations.Blocking;

/**
 * Learns the clusters to back up from the clusters topic. Converges the
 * projection; the nightly schedule reads it, so a discovered cluster is in the
 * next night's run without further wiring.
 */
@ApplicationScoped
public class ClusterConsumer {

    static final String CONSUMER = "backup-service.clusters";
    private static final Logger LOG = Logger.getLogger(ClusterConsumer.class);

    private final Inbox inbox;
    private final ClusterRegistry registry;

    ClusterConsumer(Inbox inbox, ClusterRegistry registry) {
        this.inbox = inbox;
        this.registry = registry;
    }

    @Incoming(Channels.CLUSTERS)
    @Blocking(ordered = true)
    @UntilTheDatabaseAnswers
    @Transactional
    public void on(ConsumerRecord<String, Envelope<?>> record) {
        Envelope<?> envelope = record.value(); // undecodable records never get here: they go to the DLQ
        if (!inbox.firstDelivery(envelope.metadata().id(), CONSUMER)) {
            return;
        }
        try (var log = LogContext.forEvent(envelope).cluster(envelope.key())) {
            var time = envelope.metadata().time();
            var id = envelope.metadata().id();
            Object event = envelope.data();
            if (event instanceof ClusterState c) {
                // ClusterDiscovered or ClusterUpdated: both carry the whole state
                registry.upsert(c, time, id);
            } else if (event instanceof ClusterRemoved c) {
                registry.remove(c.clusterId(), time, id);
            } else {
                LOG.debugf("ignoring %s", envelope.type());
            }
        } catch (RuntimeException e) {
            // rolled back and dead-lettered by the channel; the log says why, with the event's context
            LOG.errorf(e, "could not apply %s %s", envelope.type(), envelope.metadata().id());
            throw e;
        }
    }
}
