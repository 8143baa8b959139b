package io.nais.pg.access.gateway.backend;

import io.nais.pg.access.gateway.protocol.PgError;

/**
 * The cluster did not let the gateway in (or could not be reached). Carries the
 * error to show the client; the cluster's own ErrorResponse is passed on as is.
 */
public class BackendRefused extends Exception {

    private final PgError error;
    private final String reason;

    public BackendRefused(PgError error, String reason) {
        super(error.message(), null, false, false);
        this.error = error;
        this.reason = reason;
    }

    public PgError error() {
        return error;
    }

    /** Machine-readable reason for the LoginDenied event. */
    public String reason() {
        return reason;
    }
}
