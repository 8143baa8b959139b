package io.nais.pg.dbagrant.projection;

/** The service's incoming channels; their topics and DLQs are in application.properties. */
public final class Channels {

    public static final String MEMBERSHIP = "team-membership";
    public static final String CLUSTERS = "clusters";
    public static final String DBA_GRANTS = "dba-grants";

    private Channels() {
    }
}
