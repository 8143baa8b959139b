-- A pass that changed a cluster and died before its commit (kill -9, or a split from this database that the
-- server ended) leaves its changes unannounced: the next pass finds them done (NOOP), and only a change is
-- announced. So a pass marks the rows it claimed as tried, in a transaction of its own that commits before it
-- touches the cluster; a later pass that claims a tried row announces that person's roles as they are.
ALTER TABLE role_sync ADD COLUMN tried boolean NOT NULL DEFAULT false;
