package io.nais.pg.events;

/**
 * Topic names as compile-time constants, for annotations and configuration.
 * {@link EventTopic} is the typed view of the same names.
 */
public final class Topics {

    public static final String DLQ_SUFFIX = ".dlq";

    public static final String TEAM_MEMBERSHIP = "nais.pg.team-membership.v1";
    public static final String CLUSTERS = "nais.pg.clusters.v1";
    public static final String ACCESS = "nais.pg.access.v1";
    public static final String ACCESS_REVOCATIONS = "nais.pg.access-revocations.v1";
    public static final String DBA_GRANTS = "nais.pg.dba-grants.v1";
    public static final String BACKUPS = "nais.pg.backups.v1";
    public static final String MIGRATIONS = "nais.pg.migrations.v1";

    public static final String TEAM_MEMBERSHIP_DLQ = TEAM_MEMBERSHIP + DLQ_SUFFIX;
    public static final String CLUSTERS_DLQ = CLUSTERS + DLQ_SUFFIX;
    public static final String ACCESS_DLQ = ACCESS + DLQ_SUFFIX;
    public static final String ACCESS_REVOCATIONS_DLQ = ACCESS_REVOCATIONS + DLQ_SUFFIX;
    public static final String DBA_GRANTS_DLQ = DBA_GRANTS + DLQ_SUFFIX;
    public static final String BACKUPS_DLQ = BACKUPS + DLQ_SUFFIX;
    public static final String MIGRATIONS_DLQ = MIGRATIONS + DLQ_SUFFIX;

    private Topics() {
    }
}
