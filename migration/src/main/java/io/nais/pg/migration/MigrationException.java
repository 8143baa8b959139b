package io.nais.pg.migration;

/**
 * A migration stopped, classified so the CLI can map it to an exit status.
 * Messages are written for the operator and never carry a password: they name
 * hosts and databases through {@link io.nais.pg.migration.connect.Endpoint#masked()}.
 */
public final class MigrationException extends RuntimeException {

    /** Why it stopped. */
    public enum Failure {
        /** The source or target could not be reached, or refused the login. */
        UNREACHABLE,
        /** The plan found blockers; nothing was changed. */
        BLOCKED,
        /** The copy ran but the target does not match the source. */
        VERIFICATION_FAILED,
        /** pg_dump, pg_restore or a statement failed during the copy. */
        COPY_FAILED,
        /** A bad argument: an unparsable URL, an unset variable, a missing file. */
        INVALID_INPUT
    }

    private final Failure failure;
    private final String stage;

    public MigrationException(Failure failure, String stage, String message) {
        super(message);
        this.failure = failure;
        this.stage = stage;
    }

    public MigrationException(Failure failure, String stage, String message, Throwable cause) {
        super(message, cause);
        this.failure = failure;
        this.stage = stage;
    }

    public Failure failure() {
        return failure;
    }

    /** plan, copy, replicate, cutover or verify: where it stopped. */
    public String stage() {
        return stage;
    }
}
