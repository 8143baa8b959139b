package io.nais.pg.events;

import java.time.Instant;
import java.util.Map;
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
 *
 * <p>The trusted triples are shared by all threads; an instance (one per
 * {@link EventCodec#encodeAll} call) only remembers the last one it found.
 */
final class StatementFastPath {

    /** Distinct (producer, cluster, email) seen by one gateway stay far below this; beyond it we start over. */
    private static final int MAX_TRUSTED = 10_000;
    private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999999Z");

    private static final Map<Trusted, StatementDocument.Escaped> TRUSTED = new ConcurrentHashMap<>();

    private record Trusted(String producer, String clusterId, String email) {
    }

    /** The last triple found trusted: a batch is mostly one person's statements, so most lookups end here. */
    private Trusted last;
    private StatementDocument.Escaped lastEscaped;

    /**
     * Whether {@code envelope} may skip the schema: a StatementExecuted whose
     * format-checked strings passed before.
     *
     * @return their escaped JSON for {@link StatementDocument}, or null when it may not
     */
    StatementDocument.Escaped trusted(Envelope<?> envelope) {
        if (!(envelope.data() instanceof StatementExecuted statement)
                || !plainInstant(envelope.metadata().time()) || !plainInstant(statement.executedAt())) {
            return null;
        }
        String producer = envelope.metadata().producer();
        if (last != null && last.producer.equals(producer) && last.clusterId.equals(statement.clusterId())
                && last.email.equals(statement.email())) {
            return lastEscaped;
        }
        Trusted key = new Trusted(producer, statement.clusterId(), statement.email());
        StatementDocument.Escaped escaped = TRUSTED.get(key);
        if (escaped != null) {
            last = key;
            lastEscaped = escaped;
        }
        return escaped;
    }

    /** Called after {@code envelope} passed the full schema path. */
    static void passed(Envelope<?> envelope) {
        if (envelope.data() instanceof StatementExecuted statement) {
            if (TRUSTED.size() >= MAX_TRUSTED) {
                TRUSTED.clear();
            }
            String producer = envelope.metadata().producer();
            TRUSTED.put(new Trusted(producer, statement.clusterId(), statement.email()),
                    StatementDocument.Escaped.of(producer, statement.clusterId(), statement.email()));
        }
    }

    private static boolean plainInstant(Instant instant) {
        return !instant.isBefore(EARLIEST) && !instant.isAfter(LATEST);
    }
}
