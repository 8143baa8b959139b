-- The kit's projections order events by (event_time, event_id), as every service's tables do.
ALTER TABLE kit_team_member ADD COLUMN event_id uuid NOT NULL DEFAULT '00000000-0000-0000-0000-000000000000';

-- A cluster table shaped as a service's own (see ClusterTable): two facts and a column of its own.
CREATE TABLE kit_cluster (
    cluster_id     text        PRIMARY KEY,
    team           text        NOT NULL,
    host           text        NOT NULL,
    schemas        text[]      NOT NULL,
    removed        boolean     NOT NULL DEFAULT false,
    event_time     timestamptz NOT NULL,
    event_id       uuid        NOT NULL,
    first_seen_at  timestamptz NOT NULL DEFAULT now()
);
