-- DBA grants from the dba-grants topic (io.nais.pg.access.grants). A row is
-- active from DbaAccessGranted until GrantExpired/GrantRevoked or, on its own,
-- until expires_at passes (the service's deadline timer ends it then).
CREATE TABLE dba_grant (
    grant_id     text        PRIMARY KEY,
    cluster_id   text        NOT NULL,
    email        text        NOT NULL,
    expires_at   timestamptz,
    active       boolean     NOT NULL,
    ended_reason text,
    event_time   timestamptz NOT NULL
);
CREATE INDEX dba_grant_deadline ON dba_grant (expires_at) WHERE active;
CREATE INDEX dba_grant_person ON dba_grant (cluster_id, lower(email)) WHERE active;
