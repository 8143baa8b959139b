package io.nais.pg.testsupport.postgres;

/** The machine has no PostgreSQL server binaries; the message names the package to install. */
public class PostgresBinariesMissingException extends IllegalStateException {
    public PostgresBinariesMissingException(String message) {
        super(message);
    }
}
