package io.nais.pg.access.gateway.audit;

/** What the gateway does when Kafka is away long enough for the audit spool to fill. */
public enum FullSpoolPolicy {
    /** Sessions go on; statements that fit nowhere are dropped, counted, and logged loudly. */
    KEEP_SERVING,
    /** As above for open sessions, and new logins get ErrorResponse 57P03 until the spool drains. */
    REFUSE_NEW_SESSIONS
}
