package io.nais.pg.events;

import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When {@link EventCodec#encodeAll} may write a {@link StatementExecuted} envelope
 * without running the JSON Schema on it: the gateway emits thousands a second, and
 * the schema's format checks (uuid, date-time, email) plus the Jackson tree they need
 * were most of the audit thread's time.
 *
 * <p>Why skipping is safe. The envelope and data schemas constrain each property on
 * its own (no cross-property keywords), and the direct writer emits exactly the
 * properties the tree path emits (a test compares the bytes). So a document is valid
 * iff each value is. By type and constructor, every value of a StatementExecuted
 * envelope is valid except three strings with a format or pattern: {@code source},
 * {@code subject}/{@code clusterId} and {@code email} (constructors only check they
 * are not blank), plus instants outside years 1..9999, whose ISO text is not RFC 3339
 * (those are never trusted here). The remaining values need no check: ids are
 * {@link java.util.UUID}s, {@code type} and {@code specversion} are constants,
 * {@code correlationid} is non-blank, {@code parameterCount} non-negative,
 * {@code statement} any string. So the first envelope of each (source, cluster, email)
 * goes through the full schema path, and once it passed, later envelopes with the
 * same three strings are written directly. Those three repeat for a whole session, so
 * the schema still runs about once per session.
 */
final class StatementFastPath {

    /** Distinct (producer, cluster, email) seen by one gateway stay far below this; beyond it we start over. */
    private static final int MAX_TRUSTED = 10_000;
    private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999999Z");

    private static final Set<Trusted> TRUSTED = ConcurrentHashMap.newKeySet();

    private record Trusted(String producer, String clusterId, String email) {
    }

    private StatementFastPath() {
    }

    /** Whether {@code envelope} may skip the schema: a StatementExecuted whose format-checked strings passed before. */
    static boolean trusted(Envelope<?> envelope) {
        return envelope.data() instanceof StatementExecuted statement
                && plainInstant(envelope.metadata().time())
                && plainInstant(statement.executedAt())
                && TRUSTED.contains(key(envelope.metadata().producer(), statement));
    }

    /** Called after {@code envelope} passed the full schema path. */
    static void passed(Envelope<?> envelope) {
        if (envelope.data() instanceof StatementExecuted statement) {
            if (TRUSTED.size() >= MAX_TRUSTED) {
                TRUSTED.clear();
            }
            TRUSTED.add(key(envelope.metadata().producer(), statement));
        }
    }

    private static boolean plainInstant(Instant instant) {
        return !instant.isBefore(EARLIEST) && !instant.isAfter(LATEST);
    }

    private static Trusted key(String producer, StatementExecuted statement) {
        return new Trusted(producer, statement.clusterId(), statement.email());
    }
}
