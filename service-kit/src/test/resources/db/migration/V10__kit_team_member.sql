-- A membership table shaped as every service's own (see MembershipProjection).
CREATE TABLE kit_team_member (
    team        text        NOT NULL,
    email       text        NOT NULL,
    member      boolean     NOT NULL,
    event_time  timestamptz NOT NULL,
    PRIMARY KEY (team, email)
);
