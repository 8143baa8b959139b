-- Projections dba-grant-service keeps of other services' topics, so approval
-- never depends on another service being up: who is in which team (newest
-- event wins per team and person) and which team owns which cluster.
CREATE TABLE team_member (
    team        text        NOT NULL,
    email       text        NOT NULL,
    member      boolean     NOT NULL,
    event_time  timestamptz NOT NULL,
    PRIMARY KEY (team, email)
);

CREATE TABLE cluster_team (
    cluster_id  text        PRIMARY KEY,   -- <team>/<app>
    team        text        NOT NULL,
    removed     boolean     NOT NULL DEFAULT false,
    event_time  timestamptz NOT NULL
);

-- The expiry timer also closes requests left unanswered past the pending TTL.
CREATE INDEX dba_grant_pending ON dba_grant (requested_at) WHERE state = 'REQUESTED';
