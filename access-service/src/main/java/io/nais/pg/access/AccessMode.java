package io.nais.pg.access;

/**
 * What one access-service process runs ({@code nais.access.mode}, required). The
 * gateway faces the internet; provisioning holds every cluster's admin
 * credentials. They run as separate processes (Deployments) so that a flaw in the
 * gateway's protocol handling reaches no admin credential: a gateway process never
 * resolves an admin secret, runs no migration, consumes no provisioning topic and
 * reaches its database through a read-only role ({@code V19__gateway_reader_role.sql}).
 *
 * <p>What follows from the mode in configuration (channels, Flyway, the outbox
 * relay) is listed in application.properties under {@code nais.access.modes.*}.
 */
public enum AccessMode {

    /** The Postgres gateway only: logins, relayed sessions, their audit; ends sessions on AccessRevoked. */
    GATEWAY(true, false),
    /** Projections, role reconcile, DBA grants, the schema and the outbox relay; no gateway port. */
    PROVISIONING(false, true),
    /** Both in one process: tests that need a login on a role provisioning made; refused in a packaged run ({@link AllInOneRefusal}). */
    ALL(true, true);

    private final boolean servesLogins;
    private final boolean provisions;

    AccessMode(boolean servesLogins, boolean provisions) {
        this.servesLogins = servesLogins;
        this.provisions = provisions;
    }

    public boolean servesLogins() {
        return servesLogins;
    }

    public boolean provisions() {
        return provisions;
    }
}
