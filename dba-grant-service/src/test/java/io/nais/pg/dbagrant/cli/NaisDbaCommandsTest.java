package io.nais.pg.dbagrant.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.nais.pg.cli.Environment;
import io.nais.pg.cli.Nais;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.nais.pg.dbagrant.GrantWorld;
import io.nais.pg.dbagrant.projection.TeamDirectory;
import io.nais.pg.kit.membership.MembershipProjection;
import io.nais.pg.testsupport.InjectInfrastructure;
import io.nais.pg.testsupport.Infrastructure;
import io.nais.pg.testsupport.RealInfrastructure;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The real {@code nais} CLI, run in-process through its entry point, against
 * this service: request, a refused self-approval, approve, list, revoke.
 */
@QuarkusTest
@RealInfrastructure(kafka = true, postgres = true, oidc = true)
class NaisDbaCommandsTest {

    private static final Pattern ID = Pattern.compile("([0-9a-f]{8}-[0-9a-f-]{27})");

    @InjectInfrastructure
    Infrastructure infra;
    @Inject
    TeamDirectory directory;

    @Inject
    MembershipProjection members;
    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    private GrantWorld world;

    @BeforeEach
    void world() {
        world = GrantWorld.create(infra, directory, members);
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

    private Run nais(String token, String... args) throws IOException {
        Path config = Files.createTempDirectory("nais-config");
        Map<String, String> variables = Map.of(
                "NAIS_CONFIG_DIR", config.toString(),
                "NAIS_TOKEN", token,
                "NAIS_DBA_URL", "http://127.0.0.1:" + port,
                "NAIS_TEAM", world.team);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Nais.run(new Environment(variables, config), new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(exit, out.toString(), err.toString());
    }

    private record Run(int exit, String out, String err) {
    }
}
