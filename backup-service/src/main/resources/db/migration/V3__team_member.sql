-- backup-service: who may use the backup API. A projection of the team
-- membership topic; the newest event (by envelope time) wins, so a late or
-- replayed event changes nothing.
CREATE TABLE backup_team_member (
    team        text        NOT NULL,
    email       text        NOT NULL,
    member      boolean     NOT NULL,
    event_time  timestamptz NOT NULL,
    PRIMARY KEY (team, email)
);
