-- console-sync-service. Owners extend this with later versions (read model);
-- the kit's outbox and inbox tables are V0_*.

-- What each discovery source last reported (io.nais.pg.console.discovery).
-- Events are emitted only for differences against this projection, so a
-- restart that reads the same desired state emits nothing.
CREATE TABLE discovered_cluster (
    cluster_id        text        PRIMARY KEY,   -- <team>/<app>
    source            text        NOT NULL,      -- e.g. 'file', later 'kubernetes'
    team              text        NOT NULL,
    app               text        NOT NULL,
    host              text        NOT NULL,
    port              integer     NOT NULL,
    database          text        NOT NULL,
    application_role  text        NOT NULL,
    schemas           text[]      NOT NULL,
    admin_secret_ref  text        NOT NULL,
    pg_version        text        NOT NULL,
    status            text,
    updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX discovered_cluster_source ON discovered_cluster (source);
