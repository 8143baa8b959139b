-- The roles a pass is about to remove from a cluster, written in a transaction of their own that commits
-- before the cluster's: a pass that dies between the cluster's commit and its own leaves the removal done and
-- unannounced (the next pass finds the role absent, a NOOP, and only a change is announced). The pass that
-- comes next announces each listed role it finds gone, and every pass that announces clears its cluster's rows.
-- (role_sync.tried does the same for the roles a dead pass created; a removal by a full resync concerns
-- people role_sync does not list, hence a table of role names.)
CREATE TABLE role_removal_pending (
    cluster_id  text NOT NULL,
    role_name   text NOT NULL,
    PRIMARY KEY (cluster_id, role_name)
);
