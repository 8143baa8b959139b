package io.nais.pg.events;

import static io.nais.pg.events.EventTopic.ACCESS;
import static io.nais.pg.events.EventTopic.ACCESS_REVOCATIONS;
import static io.nais.pg.events.EventTopic.BACKUPS;
import static io.nais.pg.events.EventTopic.CLUSTERS;
import static io.nais.pg.events.EventTopic.DBA_GRANTS;
import static io.nais.pg.events.EventTopic.MIGRATIONS;
import static io.nais.pg.events.EventTopic.TEAM_MEMBERSHIP;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The registry: every event, its CloudEvents type, topic and schema, defined
 * here once. Adding an event is one line below (plus record, schema, fixture).
 */
public final class EventTypes {

    private static final List<EventType> ALL = List.of(
            EventType.of(TeamMemberAdded.class, TEAM_MEMBERSHIP),
            EventType.of(TeamMemberRemoved.class, TEAM_MEMBERSHIP),

            EventType.of(ClusterDiscovered.class, CLUSTERS),
            EventType.of(ClusterUpdated.class, CLUSTERS),
            EventType.of(ClusterRemoved.class, CLUSTERS),

            EventType.of(HumanRoleProvisioned.class, ACCESS),
            EventType.of(HumanRoleRemoved.class, ACCESS),
            EventType.of(HumanRoleRefused.class, ACCESS),
            EventType.of(SessionOpened.class, ACCESS),
            EventType.of(SessionClosed.class, ACCESS),
            EventType.of(LoginDenied.class, ACCESS),
            EventType.of(StatementExecuted.class, ACCESS),
            EventType.of(UnauthenticatedLoginRefused.class, ACCESS),
            EventType.of(ClusterAccessConformanceChanged.class, ACCESS),
            EventType.of(DbaChangesDetected.class, ACCESS),

            EventType.of(AccessRevoked.class, ACCESS_REVOCATIONS),

            EventType.of(DbaAccessRequested.class, DBA_GRANTS),
            EventType.of(DbaAccessGranted.class, DBA_GRANTS),
            EventType.of(DbaAccessDenied.class, DBA_GRANTS),
            EventType.of(GrantExpired.class, DBA_GRANTS),
            EventType.of(GrantRevoked.class, DBA_GRANTS),

            EventType.of(BackupStarted.class, BACKUPS),
            EventType.of(BackupCompleted.class, BACKUPS),
            EventType.of(BackupFailed.class, BACKUPS),
            EventType.of(BackupPruned.class, BACKUPS),
            EventType.of(RestoreVerified.class, BACKUPS),
            EventType.of(BackupOverdue.class, BACKUPS),
            EventType.of(RestoreCompleted.class, BACKUPS),

            EventType.of(MigrationCompleted.class, MIGRATIONS),
            EventType.of(MigrationFailed.class, MIGRATIONS));

    private static final Map<Class<? extends PlatformEvent>, EventType> BY_CLASS =
            ALL.stream().collect(Collectors.toUnmodifiableMap(EventType::javaClass, Function.identity()));
    private static final Map<String, EventType> BY_NAME =
            ALL.stream().collect(Collectors.toUnmodifiableMap(EventType::name, Function.identity()));

    private EventTypes() {
    }

    public static List<EventType> all() {
        return ALL;
    }

    public static EventType of(Class<? extends PlatformEvent> javaClass) {
        EventType type = BY_CLASS.get(javaClass);
        if (type == null) {
            throw new IllegalStateException(javaClass.getName() + " is not registered in EventTypes");
        }
        return type;
    }

    public static EventType of(PlatformEvent event) {
        return of(event.getClass());
    }

    /** The type for a CloudEvents {@code type} attribute, e.g. {@code nais.pg.TeamMemberAdded.v1}. */
    public static Optional<EventType> byName(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }

    public static List<EventType> on(EventTopic topic) {
        return ALL.stream().filter(type -> type.topic() == topic).toList();
    }
}
