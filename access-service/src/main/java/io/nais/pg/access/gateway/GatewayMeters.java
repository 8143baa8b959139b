package io.nais.pg.access.gateway;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * What an operator reads about the gateway's logins and sessions (docs/operations.md, "Metrics"). Labels are
 * the outcome and the refusal reason only, never a person or a cluster: the reasons are the gateway's own
 * constants (a cluster's SQLSTATE in {@code backend-refused-<code>} is folded into {@code backend-refused}), so
 * the series stay a few dozen.
 *
 * <p>Cheap where it is called: a login looks its counter up by the reason string it already has (registered the
 * first time, then a map read); a relayed session adds its byte counts once, when it ends, so the relay's hot
 * path ({@code Relay.channelRead}) touches no meter.
 */
public final class GatewayMeters {

    static final String LOGINS = "nais.gateway.logins";
    static final String LOGIN_DURATION = "nais.gateway.login.duration";
    static final String SESSIONS_OPEN = "nais.gateway.sessions.open";
    static final String SESSIONS_REVOKED = "nais.gateway.sessions.revoked";
    static final String BYTES_RELAYED = "nais.gateway.relayed.bytes";
    static final String ACCEPTED = "accepted";
    static final String REFUSED = "refused";
    private static final String BACKEND_REFUSED = "backend-refused";
    /** Login latency buckets: a login is tens of milliseconds; seconds mean a slow issuer, directory or cluster. */
    private static final Duration[] LOGIN_BUCKETS = {Duration.ofMillis(10), Duration.ofMillis(25),
            Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
            Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10)};

    private final MeterRegistry registry;
    private final List<Meter> registered = new CopyOnWriteArrayList<>();
    private final Counter accepted;
    private final Timer acceptedDuration;
    private final Timer refusedDuration;
    private final Map<String, Counter> refusals = new ConcurrentHashMap<>();
    private final Counter revoked;
    private final Counter bytesToCluster;
    private final Counter bytesToClient;

    public GatewayMeters(MeterRegistry registry) {
        this.registry = registry;
        accepted = keep(loginCounter(ACCEPTED, "none"));
        acceptedDuration = keep(loginTimer(ACCEPTED));
        refusedDuration = keep(loginTimer(REFUSED));
        revoked = keep(Counter.builder(SESSIONS_REVOKED)
                .description("relayed sessions the gateway ended because access was revoked").register(registry));
        bytesToCluster = keep(bytes("to-cluster"));
        bytesToClient = keep(bytes("to-client"));
    }

    /** For a gateway outside the service (a test's second one): its meters are counted but exported nowhere. */
    static GatewayMeters unexported() {
        return new GatewayMeters(new SimpleMeterRegistry());
    }

    void accepted(long startedNanos) {
        accepted.increment();
        acceptedDuration.record(System.nanoTime() - startedNanos, TimeUnit.NANOSECONDS);
    }

    void refused(String reason, long startedNanos) {
        refusals.computeIfAbsent(label(reason), refusal -> keep(loginCounter(REFUSED, refusal))).increment();
        refusedDuration.record(System.nanoTime() - startedNanos, TimeUnit.NANOSECONDS);
    }

    void revoked(int sessions) {
        revoked.increment(sessions);
    }

    /** A relayed session ended, having carried these bytes each way. */
    void relayed(long fromClient, long toClient) {
        bytesToCluster.increment(fromClient);
        bytesToClient.increment(toClient);
    }

    /** The open sessions, read at scrape time. */
    void openSessions(GatewayServer server) {
        keep(Gauge.builder(SESSIONS_OPEN, server, GatewayServer::liveSessions)
                .description("sessions the gateway relays now").register(registry));
    }

    /**
     * Removed when the gateway stops: the registry may outlive it (Micrometer's global registry, which a test
     * JVM's next application start shares), and a meter left there would keep reading this gateway.
     */
    void remove() {
        registered.forEach(registry::remove);
        registered.clear();
    }

    /** The cluster's own SQLSTATE stays out of the label: any server could answer with any code. */
    private static String label(String reason) {
        return reason.startsWith(BACKEND_REFUSED) ? BACKEND_REFUSED : reason;
    }

    private Counter loginCounter(String outcome, String reason) {
        return Counter.builder(LOGINS).tag("outcome", outcome).tag("reason", reason)
                .description("logins through the gateway, by outcome and refusal reason").register(registry);
    }

    private Timer loginTimer(String outcome) {
        return Timer.builder(LOGIN_DURATION).tag("outcome", outcome).serviceLevelObjectives(LOGIN_BUCKETS)
                .description("from the client's connection to ReadyForQuery or the refusal").register(registry);
    }

    private Counter bytes(String direction) {
        return Counter.builder(BYTES_RELAYED).baseUnit("bytes").tag("direction", direction)
                .description("bytes relayed, counted when the session ends").register(registry);
    }

    private <M extends Meter> M keep(M meter) {
        registered.add(meter);
        return meter;
    }
}
