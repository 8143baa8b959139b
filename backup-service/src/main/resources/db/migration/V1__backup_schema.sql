-- backup-service: which clusters to back up and what each run did. Owners
-- extend this with later versions; the kit's outbox and inbox tables are V0_*.
CREATE TABLE backup_cluster (
    cluster_id        text    PRIMARY KEY,   -- <team>/<app>
    team              text    NOT NULL,
    host              text    NOT NULL,
    port              integer NOT NULL,
    database          text    NOT NULL,
    admin_secret_ref  text    NOT NULL,
    pg_version        text    NOT NULL,
    removed           boolean NOT NULL DEFAULT false
);

CREATE TABLE backup_run (
    backup_id    uuid        PRIMARY KEY,
    cluster_id   text        NOT NULL,
    state        text        NOT NULL CHECK (state IN ('RUNNING', 'COMPLETED', 'FAILED', 'PRUNED')),
    object_key   text,
    bytes        bigint,
    sha256       text,
    started_at   timestamptz NOT NULL,
    finished_at  timestamptz,
    detail       text
);
CREATE INDEX backup_run_cluster ON backup_run (cluster_id, started_at DESC);
