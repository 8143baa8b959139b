package io.nais.pg.access.gateway.audit;

import io.nais.pg.events.EventTopic;
import java.time.Clock;
import java.util.UUID;

/**
 * Statement audit for the gateway: hands each session a {@link StatementTap} (when
 * its cluster is audited) feeding one asynchronous {@link AuditBatcher}, and tells
 * the login whether new sessions may start under the full-spool policy.
 * {@link #off()} audits nothing (tests of other gateway behaviour, a cluster
 * override for every cluster).
 */
public final class StatementAudit implements AutoCloseable {

    private final AuditSettings settings;
    private final AuditBatcher batcher;
    private final Clock clock;

    private StatementAudit(AuditSettings settings, AuditBatcher batcher, Clock clock) {
        this.settings = settings;
        this.batcher = batcher;
        this.clock = clock;
    }

    /** Audits nothing. */
    public static StatementAudit off() {
        return new StatementAudit(null, null, Clock.systemUTC());
    }

    /** Starts the audit thread; spooled events of an earlier run are sent first. */
    public static StatementAudit start(AuditSettings settings) {
        KafkaDelivery kafka = new KafkaDelivery(EventTopic.ACCESS.topicName(), settings.producerConfig(), settings.linger(),
                settings.ackTimeout());
        AuditBatcher batcher = new AuditBatcher(settings, kafka);
        batcher.start();
        return new StatementAudit(settings, batcher, Clock.systemUTC());
    }

    public boolean enabledFor(String clusterId) {
        return batcher != null && settings.enabledFor(clusterId);
    }

    /**
     * A tap for a new session, or null when the cluster's statements are not audited. A session opened on a DBA
     * grant ({@code onDbaGrant}) is audited whatever the cluster's setting: a superuser can change anything, and
     * the statements are what ties each change to the DBA who made it.
     */
    public StatementTap tap(UUID sessionId, String clusterId, String email, boolean onDbaGrant) {
        if (batcher == null || !(onDbaGrant || settings.enabledFor(clusterId))) {
            return null;
        }
        return new StatementTap(sessionId, clusterId, email, batcher, settings.maxStatementBytes(), clock);
    }

    /** False only under {@link FullSpoolPolicy#REFUSE_NEW_SESSIONS}, for an audited cluster, while the spool is full. */
    public boolean acceptsNewSessions(String clusterId) {
        return !enabledFor(clusterId)
                || settings.fullPolicy() != FullSpoolPolicy.REFUSE_NEW_SESSIONS
                || !batcher.spoolFull();
    }

    /** Events the broker acknowledged. */
    public long sent() {
        return batcher == null ? 0 : batcher.sent();
    }

    /** Events lost: the queue or the spool had no room. */
    public long dropped() {
        return batcher == null ? 0 : batcher.dropped();
    }

    public long spoolBytes() {
        return batcher == null ? 0 : batcher.spoolBytes();
    }

    @Override
    public void close() {
        if (batcher != null) {
            batcher.close();
        }
    }
}
