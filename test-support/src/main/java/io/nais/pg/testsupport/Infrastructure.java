package io.nais.pg.testsupport;

import io.nais.pg.events.EventTopic;
import io.nais.pg.testsupport.kafka.KafkaBroker;
import io.nais.pg.testsupport.kafka.TestEventBus;
import io.nais.pg.testsupport.oidc.OidcIssuer;
import io.nais.pg.testsupport.postgres.PostgresCluster;
import io.nais.pg.testsupport.process.Reaper;
import io.nais.pg.testsupport.s3.S3Store;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The real infrastructure of one JVM: a Kafka broker, the PostgreSQL cluster
 * that holds the services' own databases, an OIDC issuer and an S3 store.
 * Each is started lazily, at most once per JVM, and stopped by a shutdown hook.
 *
 * <p>Why system properties: Quarkus loads test classes (and so this class)
 * once per application it starts, so a plain static field would start a
 * second broker for the next test class. A started component publishes where
 * it runs as a system property; other class loaders {@code attach} to it.
 * Secrets stay in owner-only state files, never in the properties.
 */
public final class Infrastructure {

    private static final String PREFIX = "io.nais.pg.testsupport.";
    private static final String KAFKA = PREFIX + "kafka.bootstrap-servers";
    private static final String TOPICS = PREFIX + "kafka.topics-created";
    private static final String POSTGRES = PREFIX + "postgres.state";
    private static final String OIDC = PREFIX + "oidc.state";
    private static final String OIDC_LOGIN_FORM = PREFIX + "oidc-login-form.state";
    private static final String S3 = PREFIX + "s3.state";
    /** One lock for every class loader: string literals are interned JVM-wide. */
    private static final String LOCK = "io.nais.pg.testsupport.Infrastructure.lock";

    private static final Infrastructure SHARED = new Infrastructure();

    private Infrastructure() {
    }

    /** The JVM-wide infrastructure; nothing runs until a component is asked for. */
    public static Infrastructure shared() {
        return SHARED;
    }

    /** Starts, in parallel, whichever of the requested components are not running yet. */
    public Infrastructure require(boolean kafka, boolean postgres, boolean oidc, boolean s3) {
        synchronized (LOCK) {
            Map<String, Supplier<AutoCloseable>> missing = new LinkedHashMap<>();
            if (kafka && System.getProperty(KAFKA) == null) {
                missing.put("kafka", KafkaBroker::start);
            }
            if (postgres && System.getProperty(POSTGRES) == null) {
                missing.put("postgres", () -> PostgresCluster.builder().name("services").start());
            }
            if (oidc && System.getProperty(OIDC) == null) {
                missing.put("oidc", OidcIssuer::start);
            }
            if (s3 && System.getProperty(S3) == null) {
                missing.put("s3", S3Store::start);
            }
            startAll(missing).forEach(Infrastructure::publish);
            if (kafka) {
                createPlatformTopics();
            }
            return this;
        }
    }

    public KafkaBroker kafka() {
        require(true, false, false, false);
        return KafkaBroker.attach(System.getProperty(KAFKA));
    }

    /** The cluster holding the services' own databases. */
    public PostgresCluster postgres() {
        require(false, true, false, false);
        return PostgresCluster.attach(Path.of(System.getProperty(POSTGRES)));
    }

    public OidcIssuer oidc() {
        require(false, false, true, false);
        return OidcIssuer.attach(Path.of(System.getProperty(OIDC)));
    }

    /**
     * A second issuer, whose code flow shows its sign-in form ({@link OidcIssuer.Builder#loginForm()}): for tests
     * that sign a person in through a browser. {@link #oidc()} stays non-interactive for every other test.
     */
    public OidcIssuer oidcWithLoginForm() {
        synchronized (LOCK) {
            if (System.getProperty(OIDC_LOGIN_FORM) == null) {
                OidcIssuer issuer = OidcIssuer.builder().loginForm().start();
                System.setProperty(OIDC_LOGIN_FORM, issuer.stateDirectory().toString());
            }
        }
        return OidcIssuer.attach(Path.of(System.getProperty(OIDC_LOGIN_FORM)));
    }

    public S3Store s3() {
        require(false, false, false, true);
        return S3Store.attach(Path.of(System.getProperty(S3)));
    }

    /** The project's Kafka test helper, on this JVM's broker. Close it when done. */
    public TestEventBus events() {
        return new TestEventBus(kafka().bootstrapServers());
    }

    /** An extra throwaway cluster (e.g. a team's application cluster), closed with the JVM at the latest. */
    public PostgresCluster newCluster(String name, Consumer<PostgresCluster.Builder> options) {
        PostgresCluster.Builder builder = PostgresCluster.builder().name(name);
        options.accept(builder);
        return builder.start();
    }

    /** A fresh database in {@link #postgres()}, owned by a fresh LOGIN role, for one application under test. */
    public ServiceDatabase newServiceDatabase() {
        return ServiceDatabase.create(postgres());
    }

    /** Every platform topic and its dead-letter topic, so consumers never race topic auto-creation. */
    private void createPlatformTopics() {
        if (System.getProperty(TOPICS) != null) {
            return;
        }
        KafkaBroker.attach(System.getProperty(KAFKA)).createTopics(platformTopics());
        System.setProperty(TOPICS, "true");
    }

    /** Every platform topic and its dead-letter topic (for a broker of a test's own, too). */
    public static List<String> platformTopics() {
        List<String> names = new ArrayList<>();
        for (EventTopic topic : EventTopic.values()) {
            names.add(topic.topicName());
            names.add(topic.dlqTopicName());
        }
        return names;
    }

    /**
     * Starts every component in parallel; if any fails, closes the ones that
     * did start (a broker left running would keep this JVM's tests hanging
     * on it) and rethrows the first failure with the others suppressed.
     */
    static Map<String, AutoCloseable> startAll(Map<String, Supplier<AutoCloseable>> starters) {
        Map<String, CompletableFuture<AutoCloseable>> futures = new LinkedHashMap<>();
        starters.forEach((name, starter) -> futures.put(name, CompletableFuture.supplyAsync(starter)));
        Map<String, AutoCloseable> started = new LinkedHashMap<>();
        List<Throwable> failures = new ArrayList<>();
        futures.forEach((name, future) -> {
            try {
                started.put(name, future.join());
            } catch (CompletionException e) {
                failures.add(new IllegalStateException("could not start " + name, e.getCause()));
            }
        });
        if (!failures.isEmpty()) {
            started.values().forEach(Infrastructure::closeQuietly);
            IllegalStateException failure = (IllegalStateException) failures.get(0);
            failures.stream().skip(1).forEach(failure::addSuppressed);
            throw failure;
        }
        return started;
    }

    private static void publish(String name, AutoCloseable component) {
        Map<String, Function<AutoCloseable, String>> where = Map.of(
                "kafka", c -> ((KafkaBroker) c).bootstrapServers(),
                "postgres", c -> ((PostgresCluster) c).stateDirectory().toString(),
                "oidc", c -> ((OidcIssuer) c).stateDirectory().toString(),
                "s3", c -> ((S3Store) c).stateDirectory().toString());
        Map<String, String> keys = Map.of("kafka", KAFKA, "postgres", POSTGRES, "oidc", OIDC, "s3", S3);
        System.setProperty(keys.get(name), where.get(name).apply(component));
        // JVM-wide: the owning handle stays registered with the Reaper, which stops it at exit
        Reaper.register(component);
    }

    private static void closeQuietly(AutoCloseable component) {
        try {
            component.close();
        } catch (Exception e) {
            System.err.println("test-support: could not close " + component + ": " + e);
        }
    }
}
