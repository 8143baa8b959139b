-- backup-service (issue 21): migrations into a team's cluster, run by the verify
-- side (io.nais.pg.backup.migrate). One row per migration, for the person who
-- follows it and for a clear end after a restart. The source's URL and password
-- are NOT here, nor anywhere on disk: the running job holds them in memory only,
-- so a restart cannot resume a migration and marks it failed instead.
-- (V10: versions 5-9 are left to changes being made alongside.)
CREATE TABLE migration_job (
    migration_id  uuid        PRIMARY KEY,
    cluster_id    text        NOT NULL,
    team          text        NOT NULL,
    requested_by  text        NOT NULL,
    state         text        NOT NULL CHECK (state IN ('RUNNING', 'COMPLETED', 'FAILED')),
    started_at    timestamptz NOT NULL DEFAULT now(),
    finished_at   timestamptz,
    outcome       jsonb       -- the finished job as GET /api/migrations/{id} answers it (plan, report, failure)
);
