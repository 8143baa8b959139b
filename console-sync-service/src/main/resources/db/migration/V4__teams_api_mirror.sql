-- What the Teams API bridge last emitted per team (io.nais.pg.console.teams):
-- members are diffed against this, so a restart re-emits nothing.
CREATE TABLE teams_api_member (
    team   text NOT NULL,
    email  text NOT NULL,
    PRIMARY KEY (team, email)
);
