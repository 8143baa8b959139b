-- Claims a discovery source refused (io.nais.pg.console.discovery.ClusterClaims):
-- a resource naming another team, or a cluster id another resource holds.
-- Replaced as a whole on every sync of the source: a row lives as long as the conflict.
CREATE TABLE cluster_refusal (
    source      text        NOT NULL,
    resource    text        NOT NULL,   -- the claimant's host, <name>.<namespace>.svc in Kubernetes
    cluster_id  text        NOT NULL,   -- the id it claims
    team        text        NOT NULL,   -- the team owning the claimant (its namespace)
    reason      text        NOT NULL,
    detail      text        NOT NULL,
    first_seen  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (source, resource, cluster_id)
);
