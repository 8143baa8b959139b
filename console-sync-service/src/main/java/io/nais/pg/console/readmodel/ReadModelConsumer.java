package io.nais.pg.console.readmodel;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.nais.pg.console.audit.AuditStore;
import io.nais.pg.events.BackupCompleted;
import io.nais.pg.events.BackupFailed;
import io.nais.pg.events.BackupPruned;
import io.nais.pg.events.BackupStarted;
import io.nais.pg.events.ClusterAccessConformanceChanged;
import io.nais.pg.events.ClusterState;
import io.nais.pg.events.ClusterRemoved;
import io.nais.pg.events.DbaAccessDenied;
import io.nais.pg.events.DbaAccessGranted;
import io.nais.pg.events.DbaAccessRequested;
import io.nais.pg.events.DbaChangesDetected;
import io.nais.pg.events.Envelope;
import io.nais.pg.events.GrantExpired;
import io.nais.pg.events.GrantRevoked;
import io.nais.pg.events.HumanRoleProvisioned;
import io.nais.pg.events.HumanRoleRemoved;
import io.nais.pg.events.RestoreVerified;
import io.nais.pg.events.TeamMemberAdded;
import io.nais.pg.events.TeamMemberRemoved;
import io.nais.pg.kit.inbox.Inbox;
import io.nais.pg.kit.inbox.PolledBatch;
import io.nais.pg.kit.inbox.UntilTheDatabaseAnswers;
import io.nais.pg.kit.logging.LogContext;
import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;

/**
 * Folds every topic into the console read model. Each handler records the
 * event in the inbox in the same transaction as its effect, so a redelivery
 * is skipped; the projections converge anyway (see {@link Projections}).
 * Audit-relevant topics (access, grants, backups) arrive in polled batches
 * ({@link PolledBatch}): one transaction per batch, the audit lines appended to
 * the store's hash chains at its end, once per cluster; a lone event is a
 * batch of one. The gateway emits thousands of statements a second, which
 * one chain-head lock and commit per event could not keep up with.
 */
@ApplicationScoped
class ReadModelConsumer {

    private static final String CONSUMER = "console-sync-service.read-model";

    private final Inbox inbox;
    private final Projections projections;
    private final AuditStore audit;

    ReadModelConsumer(Inbox inbox, Projections projections, AuditStore audit) {
        this.inbox = inbox;
        this.projections = projections;
        this.audit = audit;
    }

    @Incoming(Channels.TEAM_MEMBERSHIP)
    @Blocking
    @UntilTheDatabaseAnswers
    @Transactional
    void onMembership(Envelope<?> envelope) {
        if (firstDelivery(envelope)) {
            try (var log = LogContext.forEvent(envelope).team(envelope.key())) {
                Instant at = envelope.metadata().time();
                if (envelope.data() instanceof TeamMemberAdded added) {
                    projections.member(added.team(), added.email(), true, at);
                } else if (envelope.data() instanceof TeamMemberRemoved removed) {
                    projections.member(removed.team(), removed.email(), false, at);
                }
            }
        }
    }

    @Incoming(Channels.CLUSTERS)
    @Blocking
    @UntilTheDatabaseAnswers
    @Transactional
    void onCluster(Envelope<?> envelope) {
        if (firstDelivery(envelope)) {
            try (var log = LogContext.forEvent(envelope).cluster(envelope.key())) {
                Instant at = envelope.metadata().time();
                if (envelope.data() instanceof ClusterState state) {
                    projections.cluster(state, at);
                } else if (envelope.data() instanceof ClusterRemoved removed) {
                    projections.clusterRemoved(removed, at);
                }
            }
        }
    }

    @Incoming(Channels.ACCESS)
    @Blocking(ordered = true)
    CompletionStage<Void> onAccess(KafkaRecordBatch<String, Envelope<?>> batch) {
        return PolledBatch.apply(batch, envelopes -> foldAudited(envelopes, this::access));
    }

    @Incoming(Channels.DBA_GRANTS)
    @Blocking(ordered = true)
    CompletionStage<Void> onGrant(KafkaRecordBatch<String, Envelope<?>> batch) {
        return PolledBatch.apply(batch, envelopes -> foldAudited(envelopes, this::grant));
    }

    @Incoming(Channels.BACKUPS)
    @Blocking(ordered = true)
    CompletionStage<Void> onBackup(KafkaRecordBatch<String, Envelope<?>> batch) {
        return PolledBatch.apply(batch, envelopes -> foldAudited(envelopes, this::backup));
    }

    /**
     * Steps, in the batch's transaction: skip redeliveries (one inbox
     * statement for the batch, which also keeps only the first of an event
     * the batch holds twice), project each new event in log order, then
     * append all their audit lines at once, so each cluster's chain head is
     * locked once per batch, and last (held for the shortest time).
     */
    private void foldAudited(List<Envelope<?>> envelopes, Consumer<Envelope<?>> project) {
        List<Envelope<?>> fresh = inbox.firstDeliveriesOf(envelopes, CONSUMER);
        fresh.forEach(project);
        audit.appendAll(fresh);
    }

    private void access(Envelope<?> envelope) {
        try (var log = LogContext.forEvent(envelope).cluster(envelope.key())) {
            Instant at = envelope.metadata().time();
            if (envelope.data() instanceof HumanRoleProvisioned provisioned) {
                projections.access(provisioned, at);
            } else if (envelope.data() instanceof HumanRoleRemoved removed) {
                projections.access(removed, at);
            } else if (envelope.data() instanceof ClusterAccessConformanceChanged conformance) {
                projections.conformance(conformance, at);
            } else if (envelope.data() instanceof DbaChangesDetected changes) {
                projections.dbaChanges(envelope.metadata().id(), changes, at);
            }
        }
    }

    private void grant(Envelope<?> envelope) {
        try (var log = LogContext.forEvent(envelope).grant(envelope.key())) {
            Instant at = envelope.metadata().time();
            if (envelope.data() instanceof DbaAccessRequested requested) {
                projections.grant(requested, at);
            } else if (envelope.data() instanceof DbaAccessGranted granted) {
                projections.grant(granted, at);
            } else if (envelope.data() instanceof DbaAccessDenied denied) {
                projections.grant(denied, at);
            } else if (envelope.data() instanceof GrantExpired expired) {
                projections.grant(expired, at);
            } else if (envelope.data() instanceof GrantRevoked revoked) {
                projections.grant(revoked, at);
            }
        }
    }

    private void backup(Envelope<?> envelope) {
        try (var log = LogContext.forEvent(envelope).cluster(envelope.key())) {
            Instant at = envelope.metadata().time();
            if (envelope.data() instanceof BackupStarted started) {
                projections.backup(started, at);
            } else if (envelope.data() instanceof BackupCompleted completed) {
                projections.backup(completed, at);
            } else if (envelope.data() instanceof BackupFailed failed) {
                projections.backup(failed, at);
            } else if (envelope.data() instanceof BackupPruned pruned) {
                projections.backup(pruned, at);
            } else if (envelope.data() instanceof RestoreVerified verified) {
                projections.restore(envelope.metadata().id(), verified, at);
            } // BackupOverdue: derived on read from the last completed backup
        }
    }

    private boolean firstDelivery(Envelope<?> envelope) {
        return inbox.firstDelivery(envelope.metadata().id(), CONSUMER);
    }
}
