package io.nais.pg.dbagrant.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.nais.pg.dbagrant.GrantWorld;
import io.nais.pg.dbagrant.projection.TeamDirectory;
import io.nais.pg.testsupport.InjectInfrastructure;
import io.nais.pg.testsupport.Infrastructure;
import io.nais.pg.testsupport.RealInfrastructure;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The real {@code nais} CLI (cli/target/nais.jar, built by {@code -pl cli package})
 * as a process against this service: request, a refused self-approval, approve,
 * list, revoke. Skipped when the jar has not been built.
 */
@QuarkusTest
@RealInfrastructure(kafka = true, postgres = true, oidc = true)
class NaisDbaCommandsTest {

    private static final Path JAR = Path.of(System.getProperty("nais.repo.root", ".."), "cli", "target", "nais.jar");
    private static final Pattern ID = Pattern.compile("([0-9a-f]{8}-[0-9a-f-]{27})");

    @InjectInfrastructure
    Infrastructure infra;
    @Inject
    TeamDirectory directory;
    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    private GrantWorld world;

    @BeforeEach
    void world() {
        assumeTrue(Files.isRegularFile(JAR), "build the CLI first: ./mvnw -pl cli package -DskipTests");
        world = GrantWorld.create(infra, directory);
    }

    @Test
    void dbaRequestsTeamApprovesListShowsItAndRequesterRevokes() throws Exception {
        Run requested = nais(world.dbaToken(), "postgres", "dba", "request", "app", "--reason",
                "rebuild the orders index", "--duration", "2h");
        assertThat(requested.exit).as(requested.err).isZero();
        Matcher id = ID.matcher(requested.out);
        assertThat(id.find()).isTrue();
        String grantId = id.group(1);

        Run self = nais(world.dbaToken(), "postgres", "dba", "approve", grantId);
        assertThat(self.exit).isEqualTo(6);
        assertThat(self.err).contains("cannot approve or deny their own request");

        Run approved = nais(world.leadToken(), "postgres", "dba", "approve", grantId);
        assertThat(approved.exit).as(approved.err).isZero();
        assertThat(approved.out).contains("GRANTED").contains("expires");

        Run listed = nais(world.leadToken(), "postgres", "dba", "list", "--app", "app", "--state", "granted");
        assertThat(listed.out).contains(grantId);

        Run revoked = nais(world.dbaToken(), "postgres", "dba", "revoke", grantId);
        assertThat(revoked.exit).as(revoked.err).isZero();
        assertThat(revoked.out).contains("REVOKED");
    }

    @Test
    void tooShortReasonIsRefusedWithTheServicesMessage() throws Exception {
        Run refused = nais(world.dbaToken(), "postgres", "dba", "request", "app", "--reason", "fix", "--duration", "1h");
        assertThat(refused.exit).isEqualTo(1);
        assertThat(refused.err).contains("at least 10 characters");
    }

    private Run nais(String token, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JAR.toString()));
        command.addAll(List.of(args));
        Path config = Files.createTempDirectory("nais-config");
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> env = builder.environment();
        env.put("NAIS_CONFIG_DIR", config.toString());
        env.put("NAIS_TOKEN", token);
        env.put("NAIS_DBA_URL", "http://127.0.0.1:" + port);
        env.put("NAIS_TEAM", world.team);
        Path out = Files.createTempFile("nais", ".out");
        Path err = Files.createTempFile("nais", ".err");
        Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    private record Run(int exit, String out, String err) {
    }
}
