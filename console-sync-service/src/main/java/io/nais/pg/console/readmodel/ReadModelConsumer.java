package io.nais.pg.console.readmodel;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;

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
 * is skipped; the projections converge anyway (see {@link Projections}). An
 * event that only adds an audit line relies on the audit store's own unique
 * event id instead (see {@link #foldAudited}).
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
     * Steps, in the batch's transaction: find which events change the read
     * model, skip their redeliveries (one inbox statement for the batch, which
     * also keeps only the first of an event the batch holds twice), project
     * them in log order, then append all the audit lines at once, so each
     * cluster's chain head is locked once per batch, and last (held for the
     * shortest time).
     *
     * <p>An event whose one effect is its audit line (a session, a statement)
     * takes no inbox row: the audit store stores an event id once (its unique
     * event id, checked under the chain's lock), which is all the row would
     * add, and the gateway's statements would each leave one, kept forever,
     * that nothing reads. It is counted as applied once stored.
     */
    private void foldAudited(List<Envelope<?>> envelopes, Function<Envelope<?>, Runnable> projectionOf) {
        Map<Envelope<?>, Runnable> projecting = new IdentityHashMap<>();
        for (Envelope<?> envelope : envelopes) {
            Runnable projection = projectionOf.apply(envelope);
            if (projection != null) {
                projecting.put(envelope, projection);
            }
        }
        Set<Envelope<?>> firstProjected = Collections.newSetFromMap(new IdentityHashMap<>());
        firstProjected.addAll(inbox.firstDeliveriesOf(
                envelopes.stream().filter(projecting::containsKey).toList(), CONSUMER));
        List<Envelope<?>> audited = new ArrayList<>(envelopes.size());
        for (Envelope<?> envelope : envelopes) {
            Runnable projection = projecting.get(envelope);
            if (projection == null) {
                audited.add(envelope);
            } else if (firstProjected.contains(envelope)) {
                projection.run();
                audited.add(envelope);
            }
        }
        Set<UUID> storedAuditOnly = new HashSet<>(audit.appendAll(audited));
        firstProjected.forEach(envelope -> storedAuditOnly.remove(envelope.metadata().id()));
        inbox.countApplied(CONSUMER, storedAuditOnly.size());
    }

    /** How an access event changes the read model; null for one that only adds its audit line. */
    private Runnable access(Envelope<?> envelope) {
        Instant at = envelope.metadata().time();
        Runnable projection = null;
        if (envelope.data() instanceof HumanRoleProvisioned provisioned) {
            projection = () -> projections.access(provisioned, at);
        } else if (envelope.data() instanceof HumanRoleRemoved removed) {
            projection = () -> projections.access(removed, at);
        } else if (envelope.data() instanceof ClusterAccessConformanceChanged conformance) {
            projection = () -> projections.conformance(conformance, at);
        } else if (envelope.data() instanceof DbaChangesDetected changes) {
            projection = () -> projections.dbaChanges(envelope.metadata().id(), changes, at);
        }
        return logged(projection, () -> LogContext.forEvent(envelope).cluster(envelope.key()));
    }

    /** How a grant event changes the read model; null for one that only adds its audit line. */
    private Runnable grant(Envelope<?> envelope) {
        Instant at = envelope.metadata().time();
        Runnable projection = null;
        if (envelope.data() instanceof DbaAccessRequested requested) {
            projection = () -> projections.grant(requested, at);
        } else if (envelope.data() instanceof DbaAccessGranted granted) {
            projection = () -> projections.grant(granted, at);
        } else if (envelope.data() instanceof DbaAccessDenied denied) {
            projection = () -> projections.grant(denied, at);
        } else if (envelope.data() instanceof GrantExpired expired) {
            projection = () -> projections.grant(expired, at);
        } else if (envelope.data() instanceof GrantRevoked revoked) {
            projection = () -> projections.grant(revoked, at);
        }
        return logged(projection, () -> LogContext.forEvent(envelope).grant(envelope.key()));
    }

    /** How a backup event changes the read model; null for one that only adds its audit line. */
    private Runnable backup(Envelope<?> envelope) {
        Instant at = envelope.metadata().time();
        Runnable projection = null;
        if (envelope.data() instanceof BackupStarted started) {
            projection = () -> projections.backup(started, at);
        } else if (envelope.data() instanceof BackupCompleted completed) {
            projection = () -> projections.backup(completed, at);
        } else if (envelope.data() instanceof BackupFailed failed) {
            projection = () -> projections.backup(failed, at);
        } else if (envelope.data() instanceof BackupPruned pruned) {
            projection = () -> projections.backup(pruned, at);
        } else if (envelope.data() instanceof RestoreVerified verified) {
            projection = () -> projections.restore(envelope.metadata().id(), verified, at);
        } // BackupOverdue: derived on read from the last completed backup
        return logged(projection, () -> LogContext.forEvent(envelope).cluster(envelope.key()));
    }

    /** The projection run inside the event's log context; null stays null. */
    private static Runnable logged(Runnable projection, Supplier<LogContext> context) {
        if (projection == null) {
            return null;
        }
        return () -> {
            try (LogContext log = context.get()) {
                projection.run();
            }
        };
    }

    private boolean firstDelivery(Envelope<?> envelope) {
        return inbox.firstDelivery(envelope.metadata().id(), CONSUMER);
    }
}
