-- dba-grant-service: DBA access requests and their lifecycle. Owners extend
-- this with later versions; the kit's outbox and inbox tables are V0_*.
CREATE TABLE dba_grant (
    grant_id     text        PRIMARY KEY,
    cluster_id   text        NOT NULL,
    team         text        NOT NULL,
    requester    text        NOT NULL,
    reason       text        NOT NULL,
    duration     interval    NOT NULL,
    state        text        NOT NULL CHECK (state IN ('REQUESTED', 'GRANTED', 'DENIED', 'EXPIRED', 'REVOKED')),
    decided_by   text,
    requested_at timestamptz NOT NULL,
    granted_at   timestamptz,
    expires_at   timestamptz
);
-- The expiry timer claims due grants with FOR UPDATE SKIP LOCKED.
CREATE INDEX dba_grant_due ON dba_grant (expires_at) WHERE state = 'GRANTED';
