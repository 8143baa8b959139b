package io.nais.pg.access.provisioning.intake;

/** Incoming channel names of access-service's projections, shared with the tests. */
public final class Channels {

    public static final String MEMBERSHIP = "team-membership";
    public static final String CLUSTERS = "clusters";
    public static final String DBA_GRANTS = "dba-grants";

    private Channels() {
    }
}
