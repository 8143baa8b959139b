package io.nais.pg.local;

import io.nais.pg.events.Envelope;
import io.nais.pg.events.EventCodec;
import io.nais.pg.events.PlatformEvent;
import io.nais.pg.events.TeamMemberAdded;
import io.nais.pg.events.TeamMemberRemoved;
import io.nais.pg.testsupport.oidc.OidcIssuer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** The small commands that act on a running local platform. */
final class Commands {

    static final String PRODUCER = "local-platform";

    private Commands() {
    }

    /**
     * {@code down}: asks the running {@code up} to stop (SIGTERM: its shutdown stops every service instance,
     * then the brokers and the rest) and waits until it has exited.
     */
    static void down(LocalState state) throws IOException, InterruptedException {
        Path pidFile = state.pidFile();
        Optional<ProcessHandle> up = Files.exists(pidFile)
                ? ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim())).filter(ProcessHandle::isAlive)
                : Optional.empty();
        if (up.isEmpty()) {
            System.out.println("no local platform is running");
            return;
        }
        up.get().destroy();
        try {
            up.get().onExit().get(2, TimeUnit.MINUTES);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the local platform (pid " + up.get().pid() + ") did not stop within 2 minutes", e);
        }
        System.out.println("local platform stopped");
    }

    /**
     * {@code token <email> [--groups g1,g2] [--lifetime 1h]}: a token signed by the running local issuer, living
     * the issuer's default unless told (a benchmark that outlasts it asks for a real login's hour).
     */
    static void token(LocalState state, List<String> args) {
        if (args.isEmpty()) {
            throw new LocalPlatform.UsageException("token needs an email");
        }
        String email = args.get(0);
        List<String> groups = List.of();
        Duration lifetime = null;
        for (int i = 1; i < args.size(); i++) {
            if (args.get(i).equals("--groups") && i + 1 < args.size()) {
                groups = Arrays.stream(args.get(++i).split(",")).map(String::trim).filter(g -> !g.isEmpty()).toList();
            } else if (args.get(i).equals("--lifetime") && i + 1 < args.size()) {
                lifetime = lifetime(args.get(++i));
            } else {
                throw new LocalPlatform.UsageException("unknown argument " + args.get(i));
            }
        }
        Map<String, String> environment = state.readEnvironment();
        OidcIssuer issuer = OidcIssuer.attach(Path.of(environment.get("OIDC_STATE_DIR")));
        var token = issuer.token().subject(email).email(email).groups(groups);
        System.out.println((lifetime == null ? token : token.lifetime(lifetime)).sign());
    }

    /** "90s", "30m", "1h": a positive duration. */
    static Duration lifetime(String text) {
        try {
            Duration lifetime = Duration.parse("PT" + text);
            if (lifetime.isNegative() || lifetime.isZero()) {
                throw new LocalPlatform.UsageException("--lifetime must be positive, like 30m or 1h");
            }
            return lifetime;
        } catch (DateTimeParseException e) {
            throw new LocalPlatform.UsageException("--lifetime takes a duration like 90s, 30m or 1h, not " + text);
        }
    }

    /** {@code add-member|remove-member <team> <email>}: the local stand-in for the upstream team directory. */
    static void membership(LocalState state, List<String> args, boolean added) {
        if (args.size() != 2) {
            throw new LocalPlatform.UsageException((added ? "add-member" : "remove-member") + " needs <team> <email>");
        }
        PlatformEvent event = added ? new TeamMemberAdded(args.get(0), args.get(1)) : new TeamMemberRemoved(args.get(0), args.get(1));
        Envelope<PlatformEvent> envelope = Envelope.of(PRODUCER, event);
        publish(state.readEnvironment().get("KAFKA_BOOTSTRAP_SERVERS"), envelope);
        System.out.println("published " + envelope.type() + " " + envelope.metadata().id() + " (" + args.get(0) + ", " + args.get(1) + ")");
    }

    static void publish(String bootstrapServers, Envelope<?> envelope) {
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(envelope.topic().topicName(), envelope.key(), EventCodec.encode(envelope))).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not publish to Kafka at " + bootstrapServers + ": " + e.getCause().getMessage(), e);
        }
    }
}
