-- When a person was first marked dirty in a cluster: a re-mark keeps it (the
-- person is still waiting), the pass that clears the mark deletes the row.
-- nais_provisioning_oldest_mark_age_seconds reads the oldest.
ALTER TABLE role_sync ADD COLUMN marked_at timestamptz NOT NULL DEFAULT now();
