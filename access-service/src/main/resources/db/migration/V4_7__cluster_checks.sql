-- What provisioning checks in each cluster besides the roles (io.nais.pg.access.provisioning).

-- How people can log in: the findings last reported per cluster (ClusterAccessConformanceChanged is
-- emitted only when they change; empty = conforming).
CREATE TABLE cluster_login_paths (
    cluster_id  text        PRIMARY KEY,
    findings    text[]      NOT NULL,
    checked_at  timestamptz NOT NULL
);

-- A DBA grant's snapshot of what a superuser could change, taken before the grant's role is promoted,
-- kept across restarts. settled_at: the grant ended and the cluster was compared (stay-behind roles
-- disabled); disabled_roles stay NOLOGIN on every later pass; reported: differences already announced.
CREATE TABLE dba_grant_baseline (
    grant_id        text        PRIMARY KEY,
    cluster_id      text        NOT NULL,
    email           text        NOT NULL,
    taken_at        timestamptz NOT NULL,
    settled_at      timestamptz,
    disabled_roles  text[]      NOT NULL DEFAULT '{}',
    reported        text[]      NOT NULL DEFAULT '{}'
);
CREATE INDEX dba_grant_baseline_cluster ON dba_grant_baseline (cluster_id);

CREATE TABLE dba_grant_baseline_item (
    grant_id  text NOT NULL REFERENCES dba_grant_baseline ON DELETE CASCADE,
    kind      text NOT NULL,
    name      text NOT NULL,
    detail    text NOT NULL,
    digest    text NOT NULL,
    PRIMARY KEY (grant_id, kind, name)
);
