package io.nais.pg.console.readmodel;

/** A DBA grant's lifecycle; a higher rank is a later stage and wins over a lower one. */
public enum GrantState {
    REQUESTED(0), GRANTED(1), DENIED(2), EXPIRED(2), REVOKED(2);

    final int rank;

    GrantState(int rank) {
        this.rank = rank;
    }
}
