package io.nais.pg.access.gateway.protocol;

/**
 * An ErrorResponse the gateway sends. The message is for a person reading psql's
 * output; it never carries a token, key or password.
 */
public record PgError(String severity, String sqlState, String message) {

    public static PgError fatal(String sqlState, String message) {
        return new PgError("FATAL", sqlState, message);
    }
}
