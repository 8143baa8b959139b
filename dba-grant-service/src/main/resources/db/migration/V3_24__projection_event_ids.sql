-- dba-grant's projections are service-kit's ClusterTable (cluster_team) and
-- MembershipProjection (team_member) (issue 24): the newest (event_time,
-- event_id) wins, so replicas and replays decide ties between events of the
-- same envelope time alike. Rows from before carry the nil id: a later event
-- of the same time still wins, as it did under "event_time <=".
ALTER TABLE cluster_team ADD COLUMN event_id uuid NOT NULL DEFAULT '00000000-0000-0000-0000-000000000000';
ALTER TABLE cluster_team ALTER COLUMN event_id DROP DEFAULT;
ALTER TABLE team_member ADD COLUMN event_id uuid NOT NULL DEFAULT '00000000-0000-0000-0000-000000000000';
ALTER TABLE team_member ALTER COLUMN event_id DROP DEFAULT;
