-- What access-service found in a cluster (io.nais.pg.console.readmodel): how people can log in
-- (ClusterAccessConformanceChanged, newest wins) and what DBAs changed (DbaChangesDetected, one row each).
CREATE TABLE console_access_conformance (
    cluster_id  text        PRIMARY KEY,
    conforming  boolean     NOT NULL,
    findings    text[]      NOT NULL,
    changed_at  timestamptz NOT NULL
);

CREATE TABLE console_dba_change (
    event_id        uuid        PRIMARY KEY,
    grant_id        uuid        NOT NULL,
    cluster_id      text        NOT NULL,
    requester       text        NOT NULL,
    stage           text        NOT NULL,
    differences     text[]      NOT NULL,
    disabled_roles  text[]      NOT NULL,
    detected_at     timestamptz NOT NULL
);
CREATE INDEX console_dba_change_cluster ON console_dba_change (cluster_id, detected_at);
