package io.nais.pg.dbagrant.model;

/** Where a DBA grant is in its life; the names are the {@code dba_grant.state} values. */
public enum GrantState {
    /** Filed, waiting for a member of the owning team. */
    REQUESTED,
    /** Approved; superuser until {@code expiresAt}. */
    GRANTED,
    /** Turned down by a team member. */
    DENIED,
    /** Ended by time: a grant at {@code expiresAt}, or a request left unanswered past the TTL. */
    EXPIRED,
    /** Ended early by the requester or a team member. */
    REVOKED;

    public boolean isDecided() {
        return this != REQUESTED;
    }
}
