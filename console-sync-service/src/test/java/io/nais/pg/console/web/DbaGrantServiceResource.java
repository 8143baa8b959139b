package io.nais.pg.console.web;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import io.nais.pg.testsupport.Infrastructure;
import io.nais.pg.testsupport.ServiceDatabase;
import io.nais.pg.testsupport.process.ChildJvm;
import io.nais.pg.testsupport.process.FreePorts;
import io.nais.pg.testsupport.process.TempDirs;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * The real dba-grant-service beside the console under test: this build's packaged application
 * ({@code dba-grant-service/target/quarkus-app}, built first: a test dependency of this module) as its own process,
 * on the JVM's Kafka, a database of its own and the issuer with the login form. The console's page actions call it;
 * the console gets its URL as {@code nais.console.peers.dba-grant-url}.
 */
public class DbaGrantServiceResource implements QuarkusTestResourceLifecycleManager {

    private static final Path APP = Path.of("../dba-grant-service/target/quarkus-app/quarkus-run.jar");

    private ChildJvm process;
    private Path directory;

    @Override
    public Map<String, String> start() {
        if (!Files.exists(APP)) {
            throw new IllegalStateException(APP.toAbsolutePath() + " is missing: package dba-grant-service first");
        }
        Infrastructure infra = Infrastructure.shared().require(true, true, false, false);
        ServiceDatabase database = infra.newServiceDatabase();
        int port = FreePorts.next();
        Map<String, String> config = new TreeMap<>();
        config.put("quarkus.http.host", FreePorts.HOST);
        config.put("quarkus.http.port", Integer.toString(port));
        config.put("quarkus.log.console.json.enabled", "false");
        config.put("kafka.bootstrap.servers", infra.kafka().bootstrapServers());
        config.put("quarkus.datasource.jdbc.url", database.jdbcUrl());
        config.put("quarkus.datasource.username", database.username());
        config.put("quarkus.datasource.password", database.password());
        config.put("quarkus.oidc.auth-server-url", infra.oidcWithLoginForm().issuerUrl());
        directory = TempDirs.create("dba-grant-service");
        writeConfig(config);
        process = ChildJvm.start(new ChildJvm.Spec("dba-grant-service", "dba-grant-service",
                "io.quarkus.bootstrap.runner.QuarkusEntryPoint", "384m", List.of(), List.of(), Map.of(), directory),
                APP.toAbsolutePath().toString());
        String url = "http://" + FreePorts.HOST + ":" + port;
        // up when its API answers (401 without a token); its consumers catch up while the test publishes
        process.awaitReady(() -> answers(url + "/api/grants"), 120_000);
        return Map.of("nais.console.peers.dba-grant-url", url);
    }

    @Override
    public void stop() {
        if (process != null) {
            process.close();
            keepLog();
        }
        if (directory != null) {
            TempDirs.delete(directory);
        }
    }

    /** The peer's log outlives its directory, under target/, for whoever reads a failed run. */
    private void keepLog() {
        try {
            Files.copy(process.log(), Path.of("target/dba-grant-service.log"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Passwords go into the file Quarkus reads at start, never onto the command line. */
    private void writeConfig(Map<String, String> config) {
        try {
            Path file = directory.resolve("config/application.properties");
            Files.createDirectories(file.getParent());
            Files.writeString(file, config.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.joining("\n", "", "\n")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean answers(String url) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2))
                    .build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 401;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
