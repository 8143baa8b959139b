-- Transactional outbox (io.nais.pg.kit.outbox). A row is written in the same
-- transaction as the change it announces and deleted once the broker acked it.
CREATE TABLE outbox_event (
    id          uuid        PRIMARY KEY,                        -- the event id
    seq         bigint      GENERATED ALWAYS AS IDENTITY UNIQUE, -- relay order
    topic       text        NOT NULL,
    record_key  text        NOT NULL,
    payload     bytea       NOT NULL,                           -- EventCodec bytes
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- The relay's per-key order guard looks for older rows of the same key.
CREATE INDEX outbox_event_key_seq ON outbox_event (record_key, seq);
