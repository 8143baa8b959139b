-- The kit test application's own effect table: what its consumer applied.
CREATE TABLE applied_member (
    event_id uuid PRIMARY KEY,
    team     text NOT NULL,
    email    text NOT NULL
);
