-- Provisioning on top of the V1 projections (io.nais.pg.access.directory,
-- io.nais.pg.access.provisioning).

-- The event id breaks ties between events with the same envelope time, so the
-- newest fact is decided the same way on every replica and every replay.
ALTER TABLE team_member ADD COLUMN event_id uuid NOT NULL DEFAULT '00000000-0000-0000-0000-000000000000';
ALTER TABLE team_member ALTER COLUMN event_id DROP DEFAULT;
CREATE INDEX team_member_current ON team_member (team) WHERE member;

ALTER TABLE cluster ADD COLUMN status text;
ALTER TABLE cluster ADD COLUMN event_id uuid NOT NULL DEFAULT '00000000-0000-0000-0000-000000000000';
ALTER TABLE cluster ALTER COLUMN event_id DROP DEFAULT;

-- (cluster, person) pairs whose role may differ from the desired state. Every
-- (re)mark takes a new number, so the reconciler deletes exactly the marks it
-- has read and never one written by a transaction that committed meanwhile.
CREATE SEQUENCE role_sync_mark;
CREATE TABLE role_sync (
    cluster_id text   NOT NULL,
    email      text   NOT NULL,
    mark       bigint NOT NULL DEFAULT nextval('role_sync_mark'),
    PRIMARY KEY (cluster_id, email)
);

-- Per-cluster reconcile state: whether the group role must be (re)applied or a
-- full resync (which also drops stray managed roles) is due, and the backoff.
CREATE TABLE cluster_sync (
    cluster_id      text        PRIMARY KEY,
    ensure_groups   boolean     NOT NULL DEFAULT true,
    full_resync     boolean     NOT NULL DEFAULT false,
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error      text
);
CREATE INDEX cluster_sync_due ON cluster_sync (next_attempt_at);
