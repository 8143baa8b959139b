-- backup-service (issue 19): one scheduled backup per cluster per night, whatever
-- the replica count. Every replica's cron fires and queues every cluster; before
-- dumping, a replica takes the (cluster, night) row here (run.NightClaims). The
-- row is leased: a replica that dies mid-backup loses the night when its lease
-- runs out, and another replica takes it over. The database's clock decides
-- (now()), so replicas' clocks do not need to agree.
CREATE TABLE backup_night_claim (
    cluster_id   text        NOT NULL,
    night        timestamptz NOT NULL,   -- the cron's scheduled fire time: the same instant on every replica
    holder       text        NOT NULL,   -- the replica (BackupRunner instance) that holds it
    lease_until  timestamptz NOT NULL,
    backup_id    uuid,                   -- the holder's current attempt, abandoned on a takeover
    done         boolean     NOT NULL DEFAULT false,  -- completed, or every attempt failed: nobody takes it again
    PRIMARY KEY (cluster_id, night)
);
