package io.nais.pg.events;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One sample of every event, with every optional field filled in. A new event
 * without a sample here fails {@code EventTypesTest}.
 */
final class EventFixtures {

    static final String CLUSTER = "team-a/demo-app";
    static final UUID GRANT = UUID.fromString("6f1c2b8e-4d0a-4c55-9a43-0e5b7c1d2f10");
    static final UUID SESSION = UUID.fromString("0b3e5d6a-1f2c-4e8d-9b7a-3c4d5e6f7a8b");
    static final UUID BACKUP = UUID.fromString("9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d");
    static final UUID MIGRATION = UUID.fromString("2d4e6f80-1a3b-4c5d-8e9f-0a1b2c3d4e5f");
    static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");
    // nanosecond precision on purpose: the codec must not lose it
    static final Instant T1 = Instant.parse("2026-11-24T10:05:30.123456789Z");

    private static final List<PlatformEvent> ALL = List.of(
            new TeamMemberAdded("team-a", "me@example.com"),
            new TeamMemberRemoved("team-a", "me@example.com"),
            clusterDiscovered(),
            new ClusterUpdated(CLUSTER, "team-a", "demo-app", "demo-app.team-a.svc", 5432, "app",
                    "app_owner", List.of("public", "billing"), "k8s:team-a/postgres.demo-app.credentials",
                    "16", "Updating"),
            new ClusterRemoved(CLUSTER, "team-a", "demo-app"),
            new HumanRoleProvisioned(CLUSTER, "team-a", "me@example.com", "me@example.com", false),
            new HumanRoleRemoved(CLUSTER, "team-a", "me@example.com", "me@example.com",
                    HumanRoleRemoved.Outcome.DEACTIVATED, "owns table public.notes"),
            new HumanRoleRefused(CLUSTER, "team-a", "me@example.com", HumanRoleRefused.EMAIL_TOO_LONG,
                    "the email is longer than the 63 bytes of a PostgreSQL role name"),
            new SessionOpened(CLUSTER, SESSION, "dba@example.com", "10.0.0.7:51234", T0, GRANT, SessionOpened.Level.READ),
            new SessionClosed(CLUSTER, SESSION, "me@example.com", "10.0.0.7:51234", T0, T1, 1024L,
                    5_000_000_000L, "access revoked"),
            new LoginDenied(CLUSTER, "me@example.com", "10.0.0.7:51234", "not a member of team-a", "28000"),
            new UnauthenticatedLoginRefused("10.0.0.9", "token-bad-signature", "28P01", 3),
            new ClusterAccessConformanceChanged(CLUSTER, "team-a", false,
                    List.of("line 4: host all all 127.0.0.1/32 scram-sha-256 lets a person log in with scram-sha-256")),
            new DbaChangesDetected(GRANT, CLUSTER, "team-a", "dba@example.com",
                    DbaChangesDetected.Stage.AT_GRANT_END,
                    List.of("added role stay_behind (LOGIN SUPERUSER)", "changed setting log_statement"),
                    List.of("stay_behind")),
            new StatementExecuted(CLUSTER, SESSION, "me@example.com", "select * from notes where id = $1", false,
                    1, T1),
            new AccessRevoked(CLUSTER, "me@example.com", AccessRevoked.MEMBER_REMOVED),
            new DbaAccessRequested(GRANT, CLUSTER, "team-a", "dba@example.com", "fix bloat",
                    Duration.ofHours(2)),
            new DbaAccessGranted(GRANT, CLUSTER, "team-a", "dba@example.com", "me@example.com", T0,
                    T0.plus(Duration.ofHours(2))),
            new DbaAccessDenied(GRANT, CLUSTER, "team-a", "dba@example.com", "me@example.com", "not now"),
            new GrantExpired(GRANT, CLUSTER, "team-a", "dba@example.com", T1),
            new GrantRevoked(GRANT, CLUSTER, "team-a", "dba@example.com", "me@example.com", "done early"),
            new BackupStarted(BACKUP, CLUSTER, T0),
            backupCompleted(),
            new BackupFailed(BACKUP, CLUSTER, "pg_dump exited with 1"),
            new BackupPruned(BACKUP, CLUSTER, "team-a/demo-app/2026-11-24T10-00-00Z.dump.age"),
            new RestoreVerified(BACKUP, CLUSTER, true, 12, 340_000L, Duration.ofSeconds(95, 250_000_000),
                    "row counts match"),
            new BackupOverdue(CLUSTER, T0, T1),
            new RestoreCompleted(BACKUP, CLUSTER, CLUSTER, "orders_restored", "admin@example.com",
                    List.of("public.orders", "billing.invoices"), 1_250L, false, "public.orders: rows dumped 5, restored 4",
                    List.of("billing.invoices: invoices_customer_fkey references public.customers"),
                    Duration.ofSeconds(12)),
            new MigrationCompleted(MIGRATION, CLUSTER, "dump", "14.12", "15.8", 7, 1_250_000L, 1_073_741_824L, 3,
                    Duration.ofSeconds(312), Duration.ofSeconds(41)),
            new MigrationFailed(MIGRATION, CLUSTER, "dump", "verify", "1 table differs from the source",
                    List.of("public.orders")));

    private static final Map<Class<? extends PlatformEvent>, PlatformEvent> BY_CLASS = ALL.stream()
            .collect(Collectors.toUnmodifiableMap(PlatformEvent::getClass, Function.identity()));

    private EventFixtures() {
    }

    static List<PlatformEvent> all() {
        return ALL;
    }

    static PlatformEvent of(Class<? extends PlatformEvent> type) {
        return BY_CLASS.get(type);
    }

    static ClusterDiscovered clusterDiscovered() {
        return new ClusterDiscovered(CLUSTER, "team-a", "demo-app", "127.0.0.1", 54321, "app", "app_owner",
                List.of("public"), "file:/tmp/pg/admin.properties", "15.8", "Running");
    }

    static BackupCompleted backupCompleted() {
        return new BackupCompleted(BACKUP, CLUSTER, "team-a/demo-app/2026-11-24T10-00-00Z.dump.age",
                123_456_789_012L, "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                Duration.ofMillis(83_456), "15.8");
    }
}
