package io.nais.pg.events;

/**
 * A fact that happened on the platform. Every event is a record in this package,
 * registered once in {@link EventTypes}, with a JSON Schema beside it.
 */
public sealed interface PlatformEvent permits
        TeamMemberAdded, TeamMemberRemoved,
        ClusterDiscovered, ClusterUpdated, ClusterRemoved,
        HumanRoleProvisioned, HumanRoleRemoved, HumanRoleRefused, SessionOpened, SessionClosed, LoginDenied,
        StatementExecuted, UnauthenticatedLoginRefused, ClusterAccessConformanceChanged, DbaChangesDetected,
        AccessRevoked,
        DbaAccessRequested, DbaAccessGranted, DbaAccessDenied, GrantExpired, GrantRevoked,
        BackupStarted, BackupCompleted, BackupFailed, BackupPruned, RestoreVerified, BackupOverdue, RestoreCompleted,
        MigrationCompleted, MigrationFailed {

    /** The aggregate this event belongs to: the Kafka key and the CloudEvents subject. */
    String aggregateId();
}
