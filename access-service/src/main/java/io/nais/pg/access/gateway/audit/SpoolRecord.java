package io.nais.pg.access.gateway.audit;

/** One encoded event ready for Kafka: the record key (cluster id) and the CloudEvents JSON, whose id never changes. */
record SpoolRecord(String key, byte[] value) {
}
