-- backup-service (issue 7): what the projection, the runner, retention,
-- verification and the overdue watch need beyond V1.

-- Cluster projection: newest fact wins; a removed cluster stays as a tombstone
-- so a late ClusterUpdated cannot bring it back.
ALTER TABLE backup_cluster
    ADD COLUMN first_seen_at timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN event_time    timestamptz,
    ADD COLUMN event_id      uuid;

ALTER TABLE backup_run
    ADD COLUMN pg_version        text,
    ADD COLUMN duration_ms       bigint,
    ADD COLUMN table_rows        jsonb,
    ADD COLUMN attempt           integer NOT NULL DEFAULT 1,
    ADD COLUMN verified_at       timestamptz,
    ADD COLUMN verified_ok       boolean,
    ADD COLUMN verify_detail     text;

-- One running backup per cluster across all replicas: the claim is an INSERT
-- that this index refuses (23505) while another run is in progress.
CREATE UNIQUE INDEX backup_run_one_running ON backup_run (cluster_id) WHERE state = 'RUNNING';

-- The overdue watch reports once per missed stretch: a row per cluster holds
-- the last success it reported on; a newer success makes it report again later.
CREATE TABLE backup_overdue (
    cluster_id       text        PRIMARY KEY,
    last_success_at  timestamptz,
    reported_at      timestamptz NOT NULL
);
