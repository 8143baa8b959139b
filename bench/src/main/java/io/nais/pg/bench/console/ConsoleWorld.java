package io.nais.pg.bench.console;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.nais.pg.bench.PackagedService;
import io.nais.pg.testsupport.process.ServiceJvm;
import io.nais.pg.testsupport.Infrastructure;
import io.nais.pg.testsupport.kafka.KafkaBroker;
import io.nais.pg.testsupport.oidc.OidcIssuer;
import io.nais.pg.testsupport.postgres.PostgresCluster;
import io.nais.pg.testsupport.process.FreePorts;

/**
 * What the console bench runs against: real Kafka, the service's own real
 * PostgreSQL, the test-support OIDC issuer, the fabric8 Kubernetes API mock
 * server in CRUD mode, and the packaged service ({@code quarkus-run.jar}) as a
 * {@link ServiceJvm}.
 */
final class ConsoleWorld implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    final KafkaBroker kafka;
    final OidcIssuer issuer;
    final KubernetesClient kubernetes;
    final String url;
    private final PostgresCluster database;
    private final KubernetesMockServer apiServer;
    private final ServiceJvm service;

    private ConsoleWorld(KafkaBroker kafka, PostgresCluster database, OidcIssuer issuer, KubernetesMockServer apiServer,
                         ServiceJvm service, String url) {
        this.kafka = kafka;
        this.database = database;
        this.issuer = issuer;
        this.apiServer = apiServer;
        this.kubernetes = apiServer.createClient();
        this.service = service;
        this.url = url;
    }

    static ConsoleWorld start(Path jar) throws IOException {
        KafkaBroker kafka = KafkaBroker.start();
        List<String> topics = new ArrayList<>(Infrastructure.platformTopics());
        topics.add(ConsoleSyncBench.LAG_TOPIC);
        kafka.createTopics(topics);
        PostgresCluster database = PostgresCluster.builder().name("console-db").start();
        OidcIssuer issuer = OidcIssuer.start();
        KubernetesMockServer apiServer = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(List.of()), false);
        apiServer.init(InetAddress.getByName(FreePorts.HOST), 0);

        Map<String, String> config = new LinkedHashMap<>();
        config.put("kafka.bootstrap.servers", kafka.bootstrapServers());
        config.put("quarkus.datasource.jdbc.url", database.jdbcUrl("postgres"));
        config.put("quarkus.datasource.username", database.adminUser());
        config.put("quarkus.datasource.password", database.adminPassword());
        config.put("quarkus.oidc.auth-server-url", issuer.issuerUrl());
        config.put("nais.console.kubernetes.enabled", "true");
        config.put("quarkus.kubernetes-client.api-server-url", apiServer.url("/"));
        config.put("quarkus.kubernetes-client.trust-certs", "true");
        ServiceJvm service = PackagedService.start("console-sync-service", jar, config);
        ConsoleWorld world = new ConsoleWorld(kafka, database, issuer, apiServer, service, service.url());
        System.out.println("service log: " + service.log());
        service.awaitReady(Duration.ofMinutes(3));
        return world;
    }

    /** The service JVM's process id. */
    long servicePid() {
        return service.pid();
    }

    /** The service database's postmaster (its backends are its children). */
    long databasePid() {
        return database.pid();
    }

    String adminToken() {
        String email = "bench-admin@example.com";
        return issuer.token().subject(email).email(email).groups("nais-admins").lifetime(Duration.ofHours(2)).sign();
    }

    /** GET with a bearer token; the body as a string. */
    HttpResponse<String> get(String path, String token) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url + path))
                    .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("GET " + path + " answered " + response.statusCode());
            }
            return response;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        service.close();
        kubernetes.close();
        apiServer.destroy();
        issuer.close();
        database.close();
        kafka.close();
    }
}
