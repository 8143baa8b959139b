package io.nais.pg.kit.clusters;

/**
 * What every admin session to a team's cluster is held to, for pgjdbc ({@link ClusterAdminConnections#open})
 * and libpq ({@link LibpqAdminLogin}) alike.
 */
final class AdminSessionSettings {

    /**
     * The server must present a certificate that chains to the cluster's CA and names the host we dialled:
     * anything less lets an on-path attacker downgrade the connection and read the admin password.
     */
    static final String SSL_MODE = "verify-full";

    /**
     * Set in the startup packet, so no statement of the session ever runs with a path a team can write to
     * (a team owns {@code public} of its database and could shadow {@code format} or an operator there).
     * {@code pg_temp} is searched for relations only, never for functions or operators.
     */
    static final String OPTIONS = "-c search_path=pg_catalog,pg_temp";

    private AdminSessionSettings() {
    }
}
