package io.nais.pg.backup.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.nais.pg.backup.clusters.ClusterRegistry;
import io.nais.pg.backup.it.BackupTestLifecycle;
import io.nais.pg.backup.it.BackupTestProfile;
import io.nais.pg.backup.it.TeamCluster;
import io.nais.pg.backup.cli.NaisCli.Run;
import io.nais.pg.backup.it.Tokens;
import io.nais.pg.testsupport.InjectInfrastructure;
import io.nais.pg.testsupport.Infrastructure;
import io.nais.pg.testsupport.RealInfrastructure;
import io.nais.pg.testsupport.kafka.TestEventBus;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * The real {@code nais postgres backups …} commands, run in-process through
 * the CLI's picocli entry point (the cli module is a test dependency, so this
 * runs in every reactor build), against this service on real PostgreSQL,
 * Kafka and S3: create, list until completed, verify on demand, restore, and
 * the refusals a person sees.
 */
@QuarkusTest
@TestProfile(BackupTestProfile.class)
@RealInfrastructure(kafka = true, postgres = true, oidc = true, s3 = true)
class NaisBackupCommandsTest {

    @RegisterExtension
    static final BackupTestLifecycle lifecycle = new BackupTestLifecycle();

    private static final Pattern ID = Pattern.compile("([0-9a-f]{8}-[0-9a-f-]{27})");

    @InjectInfrastructure
    Infrastructure infra;
    @Inject
    ClusterRegistry clusters;
    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    private static TeamCluster cluster;
    private static TestEventBus events;

    @Test
    void createListVerifyAndRestoreThroughTheCli() throws Exception {
        announcedCluster();

        Run early = nais("postgres", "backups", "verify", "ledger");
        assertThat(early.exit()).as(early.err()).isEqualTo(7);
        assertThat(early.err()).contains("no completed backup of team-cli/ledger");

        Run created = nais("postgres", "backups", "create", "ledger");
        assertThat(created.exit()).as(created.err()).isZero();
        Matcher id = ID.matcher(created.out());
        assertThat(id.find()).as(created.out()).isTrue();
        String backupId = id.group(1);

        await().atMost(90, TimeUnit.SECONDS).pollInterval(1, TimeUnit.SECONDS).untilAsserted(() -> {
            Run json = nais("postgres", "backups", "list", "ledger", "--json");
            assertThat(json.exit()).as(json.err()).isZero();
            assertThat(json.out()).contains("\"backupId\" : \"" + backupId + "\"").contains("\"state\" : \"COMPLETED\"");
        });
        Run table = nais("postgres", "backups", "list", "ledger");
        assertThat(table.out()).contains("BACKUP").contains(backupId).contains("COMPLETED");

        Run verified = nais("postgres", "backups", "verify", "ledger");
        assertThat(verified.exit()).as(verified.err() + verified.out()).isZero();
        assertThat(verified.out()).contains(backupId).contains("verified ok").contains("5 tables").contains("rows");
        assertThat(nais("postgres", "backups", "list", "ledger").out()).contains("ok ");

        Run restored = nais("postgres", "backups", "restore", "ledger", "--backup", backupId, "--to", "ledger copy");
        assertThat(restored.exit()).as(restored.err()).isZero();
        assertThat(TeamCluster.rowsPerTable(cluster.postgres, "ledger copy"))
                .isEqualTo(TeamCluster.rowsPerTable(cluster.postgres, cluster.database()));

        Run again = nais("postgres", "backups", "restore", "ledger", "--backup", backupId, "--to", "ledger copy");
        assertThat(again.exit()).isEqualTo(1);
        assertThat(again.err()).contains("backup-service: database ledger copy exists already");
    }

    @Test
    void unknownAppIsToldWithItsExitCode() throws Exception {
        Run unknown = nais("postgres", "backups", "list", "no-such-app");

        assertThat(unknown.exit()).isEqualTo(7);
        assertThat(unknown.err()).contains("unknown cluster team-cli/no-such-app");
    }

    @Test
    void aNonMemberIsToldSoWithTheAccessDeniedExitCode() throws Exception {
        announcedCluster();
        Map<String, String> variables = variables();
        variables.put("NAIS_TOKEN", Tokens.person("stranger@example.com"));

        Run refused = run(variables, "postgres", "backups", "list", "ledger");

        assertThat(refused.exit()).isEqualTo(6);
        assertThat(refused.err()).contains("not a member of team team-cli");
    }

    @Test
    void missingBackupUrlIsAConfigurationErrorNamingTheKey() throws Exception {
        Map<String, String> variables = variables();
        variables.remove("NAIS_BACKUP_URL");

        Run unconfigured = run(variables, "postgres", "backups", "list", "ledger");

        assertThat(unconfigured.exit()).isEqualTo(3);
        assertThat(unconfigured.err()).contains("backup.url").contains("NAIS_BACKUP_URL");
    }

    private void announcedCluster() {
        if (cluster == null) {
            events = lifecycle.events(infra);
            cluster = lifecycle.started(TeamCluster.start(infra, "team-cli", "ledger", 1_000));
            cluster.announce(events);
        }
        await().atMost(30, TimeUnit.SECONDS).until(() -> clusters.live(cluster.clusterId()).isPresent());
    }

    private Run nais(String... args) throws IOException {
        return run(variables(), args);
    }

    private Map<String, String> variables() throws IOException {
        Map<String, String> variables = new HashMap<>();
        variables.put("NAIS_CONFIG_DIR", Files.createTempDirectory("nais-config").toString());
        variables.put("NAIS_TOKEN", personToken());
        variables.put("NAIS_BACKUP_URL", "http://127.0.0.1:" + port);
        variables.put("NAIS_TEAM", "team-cli");
        return variables;
    }

    private static Run run(Map<String, String> variables, String... args) {
        return NaisCli.run(variables, args);
    }

    /** A platform admin's real token from the test issuer: the CLI sends it as a bearer token. */
    private static String personToken() {
        return Tokens.admin();
    }
}
