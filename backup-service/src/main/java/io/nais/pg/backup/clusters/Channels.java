package io.nais.pg.backup.clusters;

/** Incoming channel names of backup-service, shared with the tests. */
public final class Channels {

    public static final String CLUSTERS = "clusters";
    public static final String MEMBERSHIP = "team-membership";

    private Channels() {
    }
}
