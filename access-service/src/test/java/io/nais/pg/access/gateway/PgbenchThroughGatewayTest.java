package io.nais.pg.access.gateway;

import static io.nais.pg.access.gateway.GatewayHarness.ALICE;
import static org.assertj.core.api.Assertions.assertThat;

import io.nais.pg.testsupport.RealInfrastructure;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** pgbench, a libpq client with many connections, runs select-only, TPC-B-like and connect-per-transaction loads. */
@QuarkusTest
@TestProfile(GatewayEnabledProfile.class)
@RealInfrastructure(kafka = true, postgres = true, oidc = true)
class PgbenchThroughGatewayTest {

    private static GatewayHarness h;

    @BeforeAll
    static void initialise() throws Exception {
        h = GatewayHarness.shared();
        String direct = "host=127.0.0.1 port=" + h.cluster.port() + " dbname=" + h.app.database()
                + " user=" + h.app.owner();
        Run init = pgbench(direct, h.app.password(), "-i", "-s", "1", "-q");
        assertThat(init.exit()).as(init.output()).isZero();
        h.cluster.execute(h.app.database(),
                "GRANT SELECT, INSERT, UPDATE, DELETE ON pgbench_accounts, pgbench_branches, pgbench_tellers,"
                        + " pgbench_history TO nais_human_write");
    }

    @Test
    void pgbenchSelectOnlyRunsThroughTheGateway() throws Exception {
        assertCleanRun(pgbench(h.libpq(ALICE), h.tokens.valid(ALICE), "-n", "-S", "-T", "3", "-c", "4", "-j", "2"));
    }

    @Test
    void pgbenchTpcbLikeRunsThroughTheGateway() throws Exception {
        assertCleanRun(pgbench(h.libpq(ALICE), h.tokens.valid(ALICE), "-n", "-T", "3", "-c", "4", "-j", "2"));
    }

    @Test
    void pgbenchWithANewConnectionPerTransactionRunsThroughTheGateway() throws Exception {
        assertCleanRun(pgbench(h.libpq(ALICE), h.tokens.valid(ALICE), "-n", "-S", "-C", "-T", "2", "-c", "2"));
    }

    private static void assertCleanRun(Run run) {
        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.output()).contains("number of failed transactions: 0");
        assertThat(run.output()).containsPattern("number of transactions actually processed: [1-9]");
    }

    record Run(int exit, String output) {
    }

    static Run pgbench(String connectionString, String password, String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("pgbench"));
        command.addAll(List.of(arguments));
        command.add(connectionString);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(Map.of("PGPASSWORD", password));
        Process process = builder.start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        return new Run(process.exitValue(), output);
    }
}
