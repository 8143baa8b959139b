package io.nais.pg.backup.keys;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.nais.pg.backup.clusters.BackupTarget;
import io.nais.pg.backup.clusters.ClusterRegistry;
import io.nais.pg.backup.crypto.AgeCipher;
import io.nais.pg.backup.dump.BackupPipeline;
import io.nais.pg.backup.dump.Manifest;
import io.nais.pg.backup.it.AgeKey;
import io.nais.pg.backup.it.BackupTestLifecycle;
import io.nais.pg.backup.it.TeamCluster;
import io.nais.pg.backup.it.Tokens;
import io.nais.pg.backup.postgres.PgTools;
import io.nais.pg.backup.run.BackupRuns;
import io.nais.pg.backup.storage.ObjectStore;
import io.nais.pg.events.RestoreVerified;
import io.nais.pg.kit.clusters.ClusterAdminConnections;
import io.nais.pg.testsupport.InjectInfrastructure;
import io.nais.pg.testsupport.Infrastructure;
import io.nais.pg.testsupport.RealInfrastructure;
import io.nais.pg.testsupport.kafka.TestEventBus;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;

/**
 * The verifying process ({@code nais.backup.mode=verify}) holds the age identity and no recipient. A
 * backup written as the backup side writes one (the same pipeline, encrypting to the recipient alone,
 * recorded as COMPLETED in the shared database) is verified here through the API with this process's
 * own identity; taking a backup is refused here (503): this side has nothing to encrypt to.
 */
@QuarkusTest
@TestProfile(ModeProfiles.VerifyOnly.class)
@RealInfrastructure(kafka = true, postgres = true, oidc = true, s3 = true)
class VerifyModeUsesItsOwnIdentityTest {

    @RegisterExtension
    static final BackupTestLifecycle lifecycle = new BackupTestLifecycle();

    @InjectInfrastructure
    Infrastructure infra;

    @Inject
    ClusterRegistry clusters;
    @Inject
    BackupRuns runs;
    @Inject
    ObjectStore store;
    @Inject
    PgTools tools;
    @Inject
    ClusterAdminConnections admin;

    private static TeamCluster cluster;
    private static TestEventBus events;

    @Test
    void verifiesABackupTheOtherSideWroteWithItsOwnIdentity() throws Exception {
        events = lifecycle.events(infra);
        cluster = lifecycle.started(TeamCluster.start(infra, "team-v", "ledger", 1_000));
        cluster.announce(events);
        await().atMost(30, TimeUnit.SECONDS).until(() -> clusters.live(cluster.clusterId()).isPresent());
        UUID backupId = backupAsTheBackupSide(clusters.live(cluster.clusterId()).orElseThrow());

        JsonPath verdict = given().auth().oauth2(Tokens.admin()).post("/api/backups/team-v/ledger/verify")
                .then().statusCode(200).extract().jsonPath();

        assertThat(verdict.getString("detail")).isNull();
        assertThat(verdict.getBoolean("ok")).isTrue();
        assertThat(verdict.getString("backupId")).isEqualTo(backupId.toString());
        assertThat(verdict.getLong("rows")).isEqualTo(1_000 + 250 + 3 + 4);
        assertThat(runs.find(backupId).orElseThrow().verifiedOk()).isTrue();
        events.await(RestoreVerified.class, e -> e.backupId().equals(backupId) && e.ok(), TeamCluster.EVENT_TIMEOUT);

        given().auth().oauth2(Tokens.admin()).post("/api/backups/team-v/ledger").then().statusCode(503);
    }

    /** What a backup-mode process does: dump, encrypt to the recipient only, upload, record COMPLETED. */
    private UUID backupAsTheBackupSide(BackupTarget target) throws Exception {
        UUID backupId = UUID.randomUUID();
        Instant startedAt = Instant.now();
        BackupPipeline pipeline = new BackupPipeline(tools, new AgeCipher(List.of(AgeKey.service().recipient())),
                store, "", Clock.systemUTC());
        QuarkusTransaction.requiringNew().run(() ->
                runs.claim(backupId, target.clusterId(), startedAt, 1, Duration.ofHours(1)));
        Manifest manifest;
        try (Connection connection = admin.open(target.address())) {
            manifest = pipeline.run(backupId, startedAt,
                    new BackupPipeline.Source(target.clusterId(), admin.libpq(target.address())), connection,
                    new AtomicLong());
        }
        QuarkusTransaction.requiringNew().run(() -> runs.complete(manifest, Duration.between(startedAt, Instant.now())));
        return backupId;
    }
}
