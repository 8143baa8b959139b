package io.nais.pg.dbagrant.expiry;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.nais.pg.dbagrant.GrantWorld;
import io.nais.pg.dbagrant.model.Grant;
import io.nais.pg.dbagrant.projection.TeamDirectory;
import io.nais.pg.events.DbaAccessGranted;
import io.nais.pg.events.EventTopic;
import io.nais.pg.events.GrantExpired;
import io.nais.pg.kit.membership.MembershipProjection;
import io.nais.pg.testsupport.InjectInfrastructure;
import io.nais.pg.testsupport.Infrastructure;
import io.nais.pg.testsupport.RealInfrastructure;
import io.nais.pg.testsupport.kafka.TestEventBus;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** The durable expiry timer against the real database and broker. */
@QuarkusTest
@RealInfrastructure(kafka = true, postgres = true, oidc = true)
class GrantExpiryTest {

    @InjectInfrastructure
    Infrastructure infra;
    @Inject
    TeamDirectory directory;

    @Inject
    MembershipProjection members;
    @Inject
    DataSource dataSource;
    @Inject
    ExpiryTimer timer;
    @Inject
    ExpiryRun run;

    private GrantWorld world;

    @BeforeEach
    void world() {
        world = GrantWorld.create(infra, directory, members);
    }

    @AfterEach
    void timerRunsAgain() {
        timer.start();
    }

    @Test
    void grantExpiresAtItsExpiresAtAndNotBefore() {
        UUID id = approvedGrant("2s");
        try (TestEventBus events = infra.events()) {
            DbaAccessGranted granted = events.await(DbaAccessGranted.class, e -> e.grantId().equals(id), Duration.ofSeconds(20)).data();
            GrantExpired expired = events.await(GrantExpired.class, e -> e.grantId().equals(id), Duration.ofSeconds(20)).data();
            assertThat(expired.expiredAt()).isAfterOrEqualTo(granted.expiresAt());
            assertThat(expired.requester()).isEqualTo(world.dba);
            assertThat(expired.team()).isEqualTo(world.team);
        }
        assertState(id, "EXPIRED");
    }

    @Test
    void expiryThatPassedWhileTheTimerWasDownFiresAtStartExactlyOnce() throws Exception {
        timer.stop();
        UUID id = approvedGrant("1s");
        try (TestEventBus events = infra.events()) {
            Instant expiresAt = events.await(DbaAccessGranted.class, e -> e.grantId().equals(id), Duration.ofSeconds(20))
                    .data().expiresAt();
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> Instant.now().isAfter(expiresAt)); // the "downtime" spans the expiry
            // the state and its event are written in one transaction (outbox): GRANTED means no expiry was recorded
            assertState(id, "GRANTED");
            assertThat(events.findNow(EventTopic.DBA_GRANTS, e -> isExpiryOf(e.data(), id))).isEmpty();

            Instant started = Instant.now();
            timer.start();
            GrantExpired expired = events.await(GrantExpired.class, e -> e.grantId().equals(id), Duration.ofSeconds(20)).data();
            assertThat(expired.expiredAt()).isAfterOrEqualTo(started);

            timer.stop();
            timer.start();
            // a marker grant expires after a restart and a second's worth of ticks: once its GrantExpired is on the
            // topic, so is any second expiry of the first grant (one partition, one outbox relayed in order)
            UUID marker = approvedGrant("1s");
            events.await(GrantExpired.class, e -> e.grantId().equals(marker), Duration.ofSeconds(20));
            long fired = events.readAll(EventTopic.DBA_GRANTS).stream().filter(e -> isExpiryOf(e.data(), id)).count();
            assertThat(fired).isEqualTo(1);
        }
        assertState(id, "EXPIRED");
    }

    @Test
    void twoConcurrentRunnersNeverExpireTheSameGrantTwice() throws Exception {
        timer.stop();
        Set<UUID> due = insertDueGrants(400);
        CyclicBarrier together = new CyclicBarrier(2);
        CompletableFuture<List<UUID>> first = CompletableFuture.supplyAsync(() -> drain(together));
        CompletableFuture<List<UUID>> second = CompletableFuture.supplyAsync(() -> drain(together));
        List<UUID> all = new ArrayList<>(first.get());
        all.addAll(second.get());

        assertThat(all).doesNotHaveDuplicates();
        assertThat(new HashSet<>(all)).containsAll(due);
        try (TestEventBus events = infra.events()) {
            List<?> announced = events.awaitCount(EventTopic.DBA_GRANTS,
                    e -> e.data() instanceof GrantExpired x && due.contains(x.grantId()), due.size(), Duration.ofSeconds(30));
            assertThat(announced).hasSize(due.size());
            // a marker expired after both runners are done: once it is on the topic, so is any duplicate of theirs
            UUID marker = insertDueGrants(1).iterator().next();
            assertThat(run.expireDueGrants(Instant.now(), 7)).extracting(Grant::grantId).containsExactly(marker);
            events.await(GrantExpired.class, e -> e.grantId().equals(marker), Duration.ofSeconds(30));
            long total = events.readAll(EventTopic.DBA_GRANTS).stream()
                    .filter(e -> e.data() instanceof GrantExpired x && due.contains(x.grantId())).count();
            assertThat(total).isEqualTo(due.size());
        }
    }

    /** Small batches so the two runners interleave many times on the same rows. */
    private List<UUID> drain(CyclicBarrier together) {
        try {
            together.await();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        List<UUID> mine = new ArrayList<>();
        List<Grant> batch;
        do {
            batch = run.expireDueGrants(Instant.now(), 7);
            batch.forEach(g -> mine.add(g.grantId()));
        } while (!batch.isEmpty());
        return mine;
    }

    private Set<UUID> insertDueGrants(int count) throws Exception {
        Set<UUID> ids = new HashSet<>();
        String sql = """
                INSERT INTO dba_grant (grant_id, cluster_id, team, requester, reason, duration, state, decided_by,
                    requested_at, granted_at, expires_at)
                VALUES (?, ?, ?, ?, 'load test of the expiry', interval '1 minute', 'GRANTED', ?,
                    now() - interval '2 minutes', now() - interval '1 minute', now() - interval '1 second')
                """;
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < count; i++) {
                UUID id = UUID.randomUUID();
                s.setString(1, id.toString());
                s.setString(2, world.clusterId);
                s.setString(3, world.team);
                s.setString(4, world.dba);
                s.setString(5, world.lead);
                s.addBatch();
                ids.add(id);
            }
            s.executeBatch();
        }
        return Collections.unmodifiableSet(ids);
    }

    private UUID approvedGrant(String duration) {
        String id = given().auth().oauth2(world.dbaToken()).contentType(ContentType.JSON)
                .body(Map.of("clusterId", world.clusterId, "reason", "rebuild a broken index", "duration", duration))
                .post("/api/grants").then().statusCode(201).extract().path("id");
        given().auth().oauth2(world.leadToken()).contentType(ContentType.JSON).body("{}")
                .post("/api/grants/" + id + "/approve").then().statusCode(200);
        return UUID.fromString(id);
    }

    private void assertState(UUID id, String state) {
        given().auth().oauth2(world.leadToken()).get("/api/grants/" + id).then().statusCode(200)
                .body("state", org.hamcrest.Matchers.equalTo(state));
    }

    private static boolean isExpiryOf(Object event, UUID id) {
        return event instanceof GrantExpired expired && expired.grantId().equals(id);
    }
}
