package io.nais.pg.access.gateway;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.health.api.Wellness;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;

/**
 * Whether the service reaches Kafka, for alerting: the gauge {@code nais_kafka_reachable}
 * (1 or 0) and a wellness check ({@code /q/health/well}). Deliberately neither
 * readiness nor liveness: while Kafka is away the gateway keeps serving (statement
 * audit goes to the spool, session events to the outbox), so an outage must not take
 * the gateways out of the load balancer, nor restart them. Quarkus' own Kafka
 * readiness check and the messaging channels' readiness are off for this service
 * (application.properties) for the same reason; {@link GatewayReadiness} is the
 * readiness that reflects the gateway's real state.
 */
@Wellness
@ApplicationScoped
public class KafkaReachability implements HealthCheck {

    private static final int PROBE_TIMEOUT_MILLIS = 5_000;

    private final Map<String, Object> kafkaConfig;
    private final MeterRegistry meters;
    private Admin admin;
    private volatile boolean reachable;
    private Meter gauge;

    KafkaReachability(@Identifier("default-kafka-broker") Map<String, Object> kafkaConfig, MeterRegistry meters) {
        this.kafkaConfig = kafkaConfig;
        this.meters = meters;
    }

    void onStart(@Observes StartupEvent startup) {
        gauge = Gauge.builder("nais.kafka.reachable", this, k -> k.reachable ? 1 : 0)
                .description("1 while the last probe reached a Kafka broker, else 0 (alert on it; readiness ignores Kafka)")
                .register(meters);
    }

    void onStop(@Observes ShutdownEvent shutdown) {
        if (gauge != null) {
            meters.remove(gauge); // the registry may outlive this application (see GatewayService#registered)
        }
        if (admin != null) {
            admin.close();
        }
    }

    @Scheduled(every = "${nais.access.kafka-probe-interval:5s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void probe() {
        reachable = answersAdminRequest();
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("kafka").status(reachable).build();
    }

    private boolean answersAdminRequest() {
        try {
            return !admin().describeCluster().nodes().get(PROBE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS).isEmpty();
        } catch (ExecutionException | TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private synchronized Admin admin() {
        if (admin == null) {
            Map<String, Object> config = new HashMap<>(kafkaConfig);
            // the service's consumer and producer settings mean nothing to an admin client
            config.keySet().removeIf(key -> key.endsWith("serializer") || key.startsWith("group.")
                    || key.startsWith("auto.") || key.startsWith("enable."));
            config.put(AdminClientConfig.CLIENT_ID_CONFIG, "access-service-kafka-probe");
            config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, PROBE_TIMEOUT_MILLIS);
            config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, PROBE_TIMEOUT_MILLIS);
            config.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1_000);
            admin = Admin.create(config);
        }
        return admin;
    }
}
