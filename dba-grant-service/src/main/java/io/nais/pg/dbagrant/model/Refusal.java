package io.nais.pg.dbagrant.model;

/**
 * A rule said no. The kind says which HTTP status the API answers with; the
 * message is for the person and never carries a token or secret.
 */
public final class Refusal extends RuntimeException {

    /** The class of refusal, mapped to an HTTP status by the API. */
    public enum Kind {
        /** The request itself is malformed or breaks a limit (400). */
        INVALID,
        /** The caller may not do this (403). */
        FORBIDDEN,
        /** No such grant or cluster (404). */
        NOT_FOUND,
        /** The grant is not in a state that allows this (409). */
        CONFLICT
    }

    private final Kind kind;
    private final String rule;

    public Refusal(Kind kind, String rule, String message) {
        super(message, null, false, false);
        this.kind = kind;
        this.rule = rule;
    }

    public Kind kind() {
        return kind;
    }

    /** A stable name of the rule, e.g. {@code self-approval}, for clients that branch on it. */
    public String rule() {
        return rule;
    }
}
