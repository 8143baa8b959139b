package io.nais.pg.console.readmodel;

/** The read model's incoming channels, one per topic (topics and DLQs in application.properties). */
public final class Channels {

    public static final String TEAM_MEMBERSHIP = "console-team-membership";
    public static final String CLUSTERS = "console-clusters";
    public static final String ACCESS = "console-access";
    public static final String DBA_GRANTS = "console-dba-grants";
    public static final String BACKUPS = "console-backups";

    private Channels() {
    }
}
