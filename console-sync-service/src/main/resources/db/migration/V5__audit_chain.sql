-- The audit store (io.nais.pg.console.audit): every audit-relevant event,
-- with the facts auditors ask for as columns, linked in a SHA-256 hash chain
-- per cluster so that an edited or deleted row is detected by
-- GET /api/audit/verify.

-- id orders rows for keyset paging (newest first by occurred_at, then id).
ALTER TABLE console_audit ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY;
ALTER TABLE console_audit ADD CONSTRAINT console_audit_id UNIQUE (id);

-- Facts of StatementExecuted and SessionClosed; null for other kinds.
ALTER TABLE console_audit ADD COLUMN session_id uuid;
ALTER TABLE console_audit ADD COLUMN statement text;
ALTER TABLE console_audit ADD COLUMN parameter_count integer;
ALTER TABLE console_audit ADD COLUMN bytes_from_client bigint;
ALTER TABLE console_audit ADD COLUMN bytes_to_client bigint;

-- The chain: chain_key is the cluster id ('unknown' for a login refused
-- before the client named a cluster); chain_seq counts 1, 2, … within a chain
-- in the order rows were linked (not id order: two transactions may insert
-- in one order and link in the other). prev_hash of the first row is 64 zeros.
-- Rows from before this migration are linked at start-up (AuditChain.linkUnchained).
ALTER TABLE console_audit ADD COLUMN chain_key text;
ALTER TABLE console_audit ADD COLUMN chain_seq bigint;
ALTER TABLE console_audit ADD COLUMN prev_hash text;
ALTER TABLE console_audit ADD COLUMN hash text;
ALTER TABLE console_audit ADD CONSTRAINT console_audit_chain_link UNIQUE (chain_key, chain_seq);

CREATE INDEX console_audit_keyset ON console_audit (occurred_at DESC, id DESC);
CREATE INDEX console_audit_unchained ON console_audit (id) WHERE hash IS NULL;

-- The head of each chain. Appending locks this row (SELECT … FOR UPDATE), so
-- concurrent consumers (replicas, partitions) append one at a time per
-- cluster. The head also lets verify notice that the newest rows were deleted.
CREATE TABLE console_audit_chain (
    chain_key  text   PRIMARY KEY,
    seq        bigint NOT NULL,
    head_hash  text   NOT NULL
);
