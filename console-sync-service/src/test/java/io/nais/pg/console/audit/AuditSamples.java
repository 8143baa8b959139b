package io.nais.pg.console.audit;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

import io.nais.pg.events.BackupCompleted;
import io.nais.pg.events.BackupFailed;
import io.nais.pg.events.BackupOverdue;
import io.nais.pg.events.BackupPruned;
import io.nais.pg.events.ClusterAccessConformanceChanged;
import io.nais.pg.events.BackupStarted;
import io.nais.pg.events.DbaAccessDenied;
import io.nais.pg.events.DbaAccessGranted;
import io.nais.pg.events.DbaAccessRequested;
import io.nais.pg.events.DbaChangesDetected;
import io.nais.pg.events.EventTopic;
import io.nais.pg.events.EventType;
import io.nais.pg.events.EventTypes;
import io.nais.pg.events.GrantExpired;
import io.nais.pg.events.GrantRevoked;
import io.nais.pg.events.HumanRoleProvisioned;
import io.nais.pg.events.HumanRoleRefused;
import io.nais.pg.events.HumanRoleRemoved;
import io.nais.pg.events.LoginDenied;
import io.nais.pg.events.PlatformEvent;
import io.nais.pg.events.RestoreCompleted;
import io.nais.pg.events.RestoreVerified;
import io.nais.pg.events.SessionClosed;
import io.nais.pg.events.SessionOpened;
import io.nais.pg.events.StatementExecuted;
import io.nais.pg.events.UnauthenticatedLoginRefused;

/**
 * Which events are the audit trail, derived from the events registry: every
 * type on the access, DBA grants and backups topics, except the few listed in
 * {@link #NOT_AUDIT} with the reason. One sample of each audit type, about a
 * given cluster and person.
 */
final class AuditSamples {

    static final EventTopic[] AUDIT_TOPICS = {EventTopic.ACCESS, EventTopic.DBA_GRANTS, EventTopic.BACKUPS};

    /** Types on the audit topics that are not audit lines, and why. */
    static final Map<Class<? extends PlatformEvent>, String> NOT_AUDIT = Map.of(
            BackupStarted.class, "progress only: its outcome is BackupCompleted or BackupFailed, which are audited",
            BackupOverdue.class, "an alarm derived from the absence of a backup, not an action anyone or anything took");

    /**
     * Audit types that name no team, so they land in a platform-level chain, not a
     * cluster's (their own test covers them).
     */
    static final Map<Class<? extends PlatformEvent>, String> PLATFORM_LEVEL = Map.of(
            UnauthenticatedLoginRefused.class, "refused before authentication: no person, no cluster; chain 'gateway'");

    private AuditSamples() {
    }

    /** Every type on the audit topics that is not excluded: the types a test must see land in the store. */
    static List<Class<? extends PlatformEvent>> auditTypes() {
        return Arrays.stream(AUDIT_TOPICS).flatMap(topic -> EventTypes.on(topic).stream())
                .map(EventType::javaClass).filter(type -> !NOT_AUDIT.containsKey(type))
                .filter(type -> !PLATFORM_LEVEL.containsKey(type)).toList();
    }

    /** A sample per audit type, for {@code cluster} ({@code <team>/<app>}) and {@code person}. */
    static Map<Class<? extends PlatformEvent>, PlatformEvent> samples(String cluster, String person) {
        String team = cluster.substring(0, cluster.indexOf('/'));
        UUID session = UUID.randomUUID();
        UUID grant = UUID.randomUUID();
        UUID backup = UUID.randomUUID();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Map<Class<? extends PlatformEvent>, Supplier<PlatformEvent>> make = Map.ofEntries(
                Map.entry(HumanRoleProvisioned.class, () -> new HumanRoleProvisioned(cluster, team, person, person, false)),
                Map.entry(HumanRoleRemoved.class, () -> new HumanRoleRemoved(cluster, team, person, person,
                        HumanRoleRemoved.Outcome.DROPPED, null)),
                Map.entry(HumanRoleRefused.class, () -> new HumanRoleRefused(cluster, team, person,
                        HumanRoleRefused.EMAIL_TOO_LONG, "the email is 64 bytes long")),
                Map.entry(SessionOpened.class, () -> new SessionOpened(cluster, session, person, "10.0.0.7:5000", now, null)),
                Map.entry(SessionClosed.class, () -> new SessionClosed(cluster, session, person, "10.0.0.7:5000", now,
                        now.plusSeconds(5), 1234, 56789, "client quit")),
                Map.entry(LoginDenied.class, () -> new LoginDenied(cluster, person, "10.0.0.7:5001", "token expired", "28P01")),
                Map.entry(StatementExecuted.class, () -> new StatementExecuted(cluster, session, person,
                        "select * from orders where id = $1 and state = $2", false, 2, now.plusMillis(10))),
                Map.entry(DbaAccessRequested.class, () -> new DbaAccessRequested(grant, cluster, team, person, "vacuum",
                        Duration.ofHours(1))),
                Map.entry(DbaAccessGranted.class, () -> new DbaAccessGranted(grant, cluster, team, person,
                        "approver@example.com", now, now.plusSeconds(3600))),
                Map.entry(DbaAccessDenied.class, () -> new DbaAccessDenied(grant, cluster, team, person,
                        "approver@example.com", "not now")),
                Map.entry(GrantExpired.class, () -> new GrantExpired(grant, cluster, team, person, now)),
                Map.entry(GrantRevoked.class, () -> new GrantRevoked(grant, cluster, team, person, "approver@example.com",
                        "done")),
                Map.entry(BackupCompleted.class, () -> new BackupCompleted(backup, cluster, cluster + "/1.dump.age", 4096,
                        "b".repeat(64), Duration.ofSeconds(3), "16")),
                Map.entry(ClusterAccessConformanceChanged.class, () -> new ClusterAccessConformanceChanged(cluster, team,
                        false, List.of("line 3: host all all 0.0.0.0/0 md5 lets a person log in with md5"))),
                Map.entry(DbaChangesDetected.class, () -> new DbaChangesDetected(grant, cluster, team, person,
                        DbaChangesDetected.Stage.AT_GRANT_END, List.of("added role stay_behind (LOGIN SUPERUSER)"),
                        List.of("stay_behind"))),
                Map.entry(BackupFailed.class, () -> new BackupFailed(backup, cluster, "cluster unreachable")),
                Map.entry(BackupPruned.class, () -> new BackupPruned(backup, cluster, cluster + "/1.dump.age")),
                Map.entry(RestoreVerified.class, () -> new RestoreVerified(backup, cluster, true, 2, 10,
                        Duration.ofSeconds(2), null)),
                Map.entry(RestoreCompleted.class, () -> new RestoreCompleted(backup, cluster, cluster, "orders_back", person,
                        List.of("public.orders"), 4, true, null,
                        List.of("public.orders: foreign key orders_customer_id_fkey references public.customers"),
                        Duration.ofSeconds(2))));
        Map<Class<? extends PlatformEvent>, PlatformEvent> samples = new LinkedHashMap<>();
        make.forEach((type, factory) -> samples.put(type, factory.get()));
        return samples;
    }
}
