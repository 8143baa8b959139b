-- access-service projections (io.nais.pg.access.directory). Owners extend
-- these with later versions; the kit's outbox and inbox tables are V0_*.

-- Team membership, newest event wins per (team, email) by the envelope time.
CREATE TABLE team_member (
    team        text        NOT NULL,
    email       text        NOT NULL,
    member      boolean     NOT NULL,          -- false after TeamMemberRemoved
    event_time  timestamptz NOT NULL,
    PRIMARY KEY (team, email)
);

-- Clusters from the clusters topic; removed ones are kept with removed = true.
CREATE TABLE cluster (
    cluster_id        text        PRIMARY KEY,  -- <team>/<app>
    team              text        NOT NULL,
    app               text        NOT NULL,
    host              text        NOT NULL,
    port              integer     NOT NULL,
    database          text        NOT NULL,
    application_role  text        NOT NULL,
    schemas           text[]      NOT NULL,
    admin_secret_ref  text        NOT NULL,
    pg_version        text        NOT NULL,
    removed           boolean     NOT NULL DEFAULT false,
    event_time        timestamptz NOT NULL
);
CREATE INDEX cluster_team ON cluster (team);
