-- backup-service's projections are service-kit's ClusterTable (backup_cluster)
-- and MembershipProjection (backup_team_member) (issue 24): the newest
-- (event_time, event_id) wins, both NOT NULL. Clusters projected before V2 had
-- neither: they sort before every event, as V2's "event_time IS NULL" did.
-- Membership rows from before carry the nil id: a later event of the same time
-- still wins, as it did under "event_time <=".
UPDATE backup_cluster SET event_time = '-infinity' WHERE event_time IS NULL;
UPDATE backup_cluster SET event_id = '00000000-0000-0000-0000-000000000000' WHERE event_id IS NULL;
ALTER TABLE backup_cluster ALTER COLUMN event_time SET NOT NULL, ALTER COLUMN event_id SET NOT NULL;
ALTER TABLE backup_team_member ADD COLUMN event_id uuid NOT NULL DEFAULT '00000000-0000-0000-0000-000000000000';
ALTER TABLE backup_team_member ALTER COLUMN event_id DROP DEFAULT;
