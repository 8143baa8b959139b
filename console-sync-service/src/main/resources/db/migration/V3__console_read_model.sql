-- The console read model (io.nais.pg.console.readmodel), folded from every
-- topic. Events may arrive twice or late: each row keeps the envelope time of
-- the fact it shows (changed_at) and an older fact never overwrites a newer one.

CREATE TABLE console_member (
    team        text        NOT NULL,
    email       text        NOT NULL,
    present     boolean     NOT NULL,
    changed_at  timestamptz NOT NULL,
    PRIMARY KEY (team, email)
);
CREATE INDEX console_member_email ON console_member (email) WHERE present;

CREATE TABLE console_cluster (
    cluster_id  text        PRIMARY KEY,
    team        text        NOT NULL,
    app         text        NOT NULL,
    host        text,
    port        integer,
    database    text,
    pg_version  text,
    status      text,
    present     boolean     NOT NULL,
    changed_at  timestamptz NOT NULL
);
CREATE INDEX console_cluster_team ON console_cluster (team, app) WHERE present;

-- Personal access: HumanRoleProvisioned minus HumanRoleRemoved.
CREATE TABLE console_access (
    cluster_id  text        NOT NULL,
    email       text        NOT NULL,
    role_name   text        NOT NULL,
    superuser   boolean     NOT NULL,
    present     boolean     NOT NULL,
    changed_at  timestamptz NOT NULL,
    PRIMARY KEY (cluster_id, email)
);

-- DBA grants. state_rank orders the lifecycle (requested 0 < granted 1 <
-- denied/expired/revoked 2) so a late "granted" never revives an ended grant.
CREATE TABLE console_grant (
    grant_id    uuid        PRIMARY KEY,
    cluster_id  text        NOT NULL,
    team        text        NOT NULL,
    requester   text        NOT NULL,
    state       text        NOT NULL,
    state_rank  integer     NOT NULL,
    reason      text,
    approver    text,
    granted_at  timestamptz,
    expires_at  timestamptz,
    ended_at    timestamptz,
    changed_at  timestamptz NOT NULL
);
CREATE INDEX console_grant_cluster ON console_grant (cluster_id);

-- Off-site backups, same ranking: started 0 < completed/failed 1 < pruned 2.
CREATE TABLE console_backup (
    backup_id   uuid        PRIMARY KEY,
    cluster_id  text        NOT NULL,
    state       text        NOT NULL,
    state_rank  integer     NOT NULL,
    started_at  timestamptz,
    finished_at timestamptz,
    object_key  text,
    bytes       bigint,
    reason      text,
    changed_at  timestamptz NOT NULL
);
CREATE INDEX console_backup_cluster ON console_backup (cluster_id, changed_at DESC);

CREATE TABLE console_restore_check (
    event_id    uuid        PRIMARY KEY,
    backup_id   uuid        NOT NULL,
    cluster_id  text        NOT NULL,
    ok          boolean     NOT NULL,
    tables      integer     NOT NULL,
    row_count   bigint      NOT NULL,
    detail      text,
    verified_at timestamptz NOT NULL
);
CREATE INDEX console_restore_check_cluster ON console_restore_check (cluster_id, verified_at DESC);

-- The audit trail: access and DBA grant events, one row per event.
CREATE TABLE console_audit (
    event_id    uuid        PRIMARY KEY,
    occurred_at timestamptz NOT NULL,
    team        text,
    cluster_id  text,
    person      text,
    kind        text        NOT NULL,
    detail      text
);
CREATE INDEX console_audit_team ON console_audit (team, occurred_at DESC);
CREATE INDEX console_audit_cluster ON console_audit (cluster_id, occurred_at DESC);
CREATE INDEX console_audit_person ON console_audit (person, occurred_at DESC);
