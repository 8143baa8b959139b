-- Idempotent consumption (io.nais.pg.kit.inbox): one row per event a consumer
-- has applied, written in the same transaction as the effect.
CREATE TABLE processed_event (
    event_id     uuid        NOT NULL,
    consumer     text        NOT NULL,
    processed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (event_id, consumer)
);
