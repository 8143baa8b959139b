package io.nais.pg.kit.logging;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import org.jboss.logging.MDC;

import io.nais.pg.events.Envelope;

/**
 * Puts the context of the work at hand (event id, correlation id, team,
 * cluster, grant) into the logging MDC for the scope of a try-with-resources
 * block, so every log line inside carries it (JSON logs show MDC fields).
 *
 * <pre>{@code
 * try (var log = LogContext.forEvent(envelope).cluster(event.clusterId()).team(event.team())) {
 *     ...
 * }
 * }</pre>
 *
 * <p>{@link #close()} restores whatever the keys held before, so contexts nest.
 * Only identifiers belong here, never a secret.
 */
public final class LogContext implements AutoCloseable {

    public static final String EVENT_ID = "eventId";
    public static final String CORRELATION_ID = "correlationId";
    public static final String TEAM = "team";
    public static final String CLUSTER = "cluster";
    public static final String GRANT = "grant";
    /** A relayed database session (the gateway's session id). */
    public static final String SESSION = "session";
    /** The person a session or action belongs to: their email, an identifier, never a credential. */
    public static final String PERSON = "person";

    /** The values the keys held before this context set them; null when unset. */
    private final Map<String, Object> previous = new LinkedHashMap<>();

    private LogContext() {
    }

    /** An empty context, to be filled with the builder methods. */
    public static LogContext open() {
        return new LogContext();
    }

    /** A context carrying an event's id and correlation id. */
    public static LogContext forEvent(UUID eventId, String correlationId) {
        return open().put(EVENT_ID, eventId).put(CORRELATION_ID, correlationId);
    }

    /** A context carrying the envelope's event id and correlation id. */
    public static LogContext forEvent(Envelope<?> envelope) {
        return forEvent(envelope.metadata().id(), envelope.metadata().correlationId());
    }

    public LogContext team(String team) {
        return put(TEAM, team);
    }

    public LogContext cluster(String clusterId) {
        return put(CLUSTER, clusterId);
    }

    public LogContext grant(String grantId) {
        return put(GRANT, grantId);
    }

    public LogContext session(Object sessionId) {
        return put(SESSION, sessionId);
    }

    public LogContext person(String email) {
        return put(PERSON, email);
    }

    private LogContext put(String key, Object value) {
        if (value == null) {
            return this;
        }
        if (!previous.containsKey(key)) {
            previous.put(key, MDC.get(key));
        }
        MDC.put(key, value.toString());
        return this;
    }

    @Override
    public void close() {
        previous.forEach((key, value) -> {
            if (value == null) {
                MDC.remove(key);
            } else {
                MDC.put(key, value);
            }
        });
        previous.clear();
    }
}
