package io.nais.pg.console.web;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.nais.pg.testsupport.Infrastructure;
import io.nais.pg.testsupport.ServiceDatabase;
import io.nais.pg.testsupport.process.ServiceJvm;
import io.nais.pg.testsupport.process.TempDirs;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * The real dba-grant-service beside the console under test: this build's packaged application
 * ({@code dba-grant-service/target/quarkus-app}, built first: a test dependency of this module) as its own process,
 * on the JVM's Kafka, a database of its own and the issuer with the login form. The console's page actions call it;
 * the console gets its URL as {@code nais.console.peers.dba-grant-url}.
 */
public class DbaGrantServiceResource implements QuarkusTestResourceLifecycleManager {

    private static final Path APP = ServiceJvm.packagedApp(Path.of(".."), "dba-grant-service");

    private ServiceJvm process;
    private Path directory;

    @Override
    public Map<String, String> start() {
        Infrastructure infra = Infrastructure.shared().require(true, true, false, false);
        ServiceDatabase database = infra.newServiceDatabase();
        directory = TempDirs.create("dba-grant-service");
        process = ServiceJvm.of("dba-grant-service", APP).directory(directory).config(Map.of(
                "kafka.bootstrap.servers", infra.kafka().bootstrapServers(),
                "quarkus.datasource.jdbc.url", database.jdbcUrl(),
                "quarkus.datasource.username", database.username(),
                "quarkus.datasource.password", database.password(),
                "quarkus.oidc.auth-server-url", infra.oidcWithLoginForm().issuerUrl())).start();
        // ready: its database and Kafka are up; its consumers catch up while the test publishes
        process.awaitReady(Duration.ofMinutes(2));
        return Map.of("nais.console.peers.dba-grant-url", process.url());
    }

    @Override
    public void stop() {
        if (process != null) {
            process.close();
            // the peer's log outlives its directory, for whoever reads a failed run
            process.keepLog(Path.of("target/dba-grant-service.log"));
        }
        if (directory != null) {
            TempDirs.delete(directory);
        }
    }
}
