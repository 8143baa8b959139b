package io.nais.pg.console.audit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.nais.pg.console.jdbc.Jdbc;
import io.nais.pg.events.Envelope;
import io.nais.pg.events.EventTopic;
import io.nais.pg.events.PlatformEvent;
import io.nais.pg.events.SessionOpened;
import io.nais.pg.events.StatementExecuted;
import io.nais.pg.events.TeamMemberAdded;
import io.nais.pg.events.UnauthenticatedLoginRefused;
import io.nais.pg.testsupport.InjectInfrastructure;
import io.nais.pg.testsupport.Infrastructure;
import io.nais.pg.testsupport.RealInfrastructure;
import io.nais.pg.testsupport.kafka.TestEventBus;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * The audit store end to end: events on the real topics, the consumer, the
 * hash chain in the real PostgreSQL, and the API with real OIDC tokens.
 */
@QuarkusTest
@RealInfrastructure(kafka = true, postgres = true, oidc = true)
class AuditTrailTest {

    @InjectInfrastructure
    Infrastructure infra;

    @Inject
    DataSource dataSource;

    @Inject
    AuditStore store;

    @Test
    void everyAuditEventTypeOnTheAuditTopicsLandsInTheStoreWithPersonClusterAndTime() {
        Fixture f = new Fixture();
        Map<Class<? extends PlatformEvent>, PlatformEvent> samples = AuditSamples.samples(f.cluster, f.person);
        assertThat(samples.keySet()).as("a sample per audit type: a new event type needs an audit mapping in "
                + "AuditEntry and a sample in AuditSamples, or a reason in AuditSamples.NOT_AUDIT")
                .containsExactlyInAnyOrderElementsOf(AuditSamples.auditTypes());
        samples.values().forEach(event -> assertThat(AuditEntry.of(Envelope.of("test", event))).as(event.getClass()
                .getSimpleName() + " has an audit mapping").isPresent());

        f.publish(samples.values().toArray(PlatformEvent[]::new));

        List<Map<String, Object>> lines = f.awaitLines(samples.size());
        assertThat(lines).extracting(line -> line.get("kind")).containsExactlyInAnyOrderElementsOf(
                samples.keySet().stream().map(Class::getSimpleName).toList());
        assertThat(lines).allSatisfy(line -> {
            assertThat(line.get("clusterId")).isEqualTo(f.cluster);
            assertThat(line.get("team")).isEqualTo(f.team);
            assertThat(line.get("time")).isNotNull();
            assertThat(line.get("person")).isIn(f.person, "test");
        });
        Map<String, Object> statement = byKind(lines, "StatementExecuted");
        assertThat(statement).containsEntry("statement", "select * from orders where id = $1 and state = $2")
                .containsEntry("parameterCount", 2).containsEntry("person", f.person);
        assertThat(byKind(lines, "SessionClosed")).containsEntry("bytesFromClient", 1234).containsEntry("bytesToClient", 56789);
        assertThat(new Jdbc(dataSource).query("SELECT count(*) FROM console_audit WHERE cluster_id = ? AND hash IS NOT NULL"
                + " AND occurred_at IS NOT NULL", row -> row.getLong(1), f.cluster)).containsExactly((long) samples.size());
    }

    @Test
    void verifyReportsAnIntactChainAsOk() {
        Fixture f = new Fixture().withSessions(5);

        JsonPath verified = f.verify(f.memberToken());

        assertThat(verified.getBoolean("ok")).isTrue();
        assertThat(verified.getLong("rowsChecked")).isEqualTo(5);
        assertThat(verified.getString("headHash")).hasSize(64);
    }

    @Test
    void aRowAlteredWithPlainSqlIsTheFirstBrokenLink() {
        Fixture f = new Fixture().withSessions(5);
        long third = f.rowIdAt(3);

        new Jdbc(dataSource).update("UPDATE console_audit SET person = 'someone-else@example.com' WHERE id = ?", third);

        JsonPath verified = f.verify(f.memberToken());
        assertThat(verified.getBoolean("ok")).isFalse();
        assertThat(verified.getLong("brokenLink.rowId")).isEqualTo(third);
        assertThat(verified.getString("brokenLink.time")).isNotNull();
        assertThat(verified.getString("brokenLink.problem")).contains("altered");
    }

    @Test
    void aDeletedRowBreaksTheChainAtTheRowAfterIt() {
        Fixture f = new Fixture().withSessions(5);
        long third = f.rowIdAt(3);
        long fourth = f.rowIdAt(4);

        new Jdbc(dataSource).update("DELETE FROM console_audit WHERE id = ?", third);

        JsonPath verified = f.verify(f.memberToken());
        assertThat(verified.getBoolean("ok")).isFalse();
        assertThat(verified.getLong("brokenLink.rowId")).isEqualTo(fourth);
        assertThat(verified.getString("brokenLink.problem")).contains("missing");
    }

    @Test
    void deletingTheNewestRowIsCaughtByTheChainHead() {
        Fixture f = new Fixture().withSessions(3);

        new Jdbc(dataSource).update("DELETE FROM console_audit WHERE id = ?", f.rowIdAt(3));

        JsonPath verified = f.verify(f.memberToken());
        assertThat(verified.getBoolean("ok")).isFalse();
        assertThat(verified.getString("brokenLink.problem")).contains("newest rows were deleted");
    }

    /**
     * Hole 3 of issue 18: a connection refused before authentication is kept in the
     * platform's own chain ({@code gateway}), for platform admins, in no team's trail.
     */
    @Test
    void aRefusalBeforeAuthenticationLandsInThePlatformChainInNoTeamsTrail() {
        Fixture f = new Fixture();
        String address = "10.99." + (int) (Math.random() * 250) + "." + (int) (Math.random() * 250);
        f.publish(new UnauthenticatedLoginRefused(address, "token-malformed", "28P01", 4));

        List<List<Object>> rows = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            rows.clear();
            rows.addAll(new Jdbc(dataSource).query("SELECT team, cluster_id, person, chain_key, detail FROM console_audit"
                    + " WHERE kind = 'UnauthenticatedLoginRefused' AND detail LIKE ?", row -> Arrays.asList(
                    row.getObject(1), row.getObject(2), row.getObject(3), row.getObject(4), row.getObject(5)),
                    "% from " + address + " %"));
            return !rows.isEmpty();
        });
        assertThat(rows).containsExactly(Arrays.asList(null, null, null, AuditChain.UNAUTHENTICATED,
                "28P01 token-malformed from " + address + " (4 refusals)"));
        given().auth().oauth2(f.memberToken()).queryParam("cluster", AuditChain.UNAUTHENTICATED)
                .get("/api/audit/verify").then().statusCode(403);
        given().auth().oauth2(token("admin@example.com", "nais-admins")).queryParam("cluster", AuditChain.UNAUTHENTICATED)
                .get("/api/audit/verify").then().statusCode(200);
    }

    @Test
    void verifyIsForTheOwningTeamAndPlatformAdminsOnly() {
        Fixture f = new Fixture().withSessions(1);

        given().auth().oauth2(token("outsider@example.com")).queryParam("cluster", f.cluster)
                .get("/api/audit/verify").then().statusCode(403);
        given().auth().oauth2(token("admin@example.com", "nais-admins")).queryParam("cluster", f.cluster)
                .get("/api/audit/verify").then().statusCode(200);
        given().auth().oauth2(f.memberToken()).queryParam("cluster", "unknown").get("/api/audit/verify").then()
                .statusCode(403);
    }

    @Test
    void concurrentAppendsToOneClusterFormOneUnbrokenChain() throws Exception {
        Fixture f = new Fixture();
        int writers = 4;
        int each = 10;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                done.add(pool.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        QuarkusTransaction.requiringNew().run(() -> store.append(f.session()));
                    }
                }));
            }
            for (Future<?> d : done) {
                d.get();
            }
        } finally {
            pool.shutdown();
        }

        JsonPath verified = f.verify(f.memberToken());
        assertThat(verified.getBoolean("ok")).isTrue();
        assertThat(verified.getLong("rowsChecked")).isEqualTo(writers * each);
    }

    @Test
    void aBatchStoresEachEventOnceInItsOrderPerClusterAndEveryChainVerifies() {
        Fixture f = new Fixture();
        Fixture other = new Fixture();
        Envelope<SessionOpened> a = f.session();
        Envelope<SessionOpened> b = f.session();
        Envelope<SessionOpened> c = f.session();
        Envelope<SessionOpened> x = other.session();

        QuarkusTransaction.requiringNew().run(() -> store.appendAll(List.of(a, x, b, a, c)));
        QuarkusTransaction.requiringNew().run(() -> store.appendAll(List.of(c, b, x))); // a redelivered batch

        assertThat(f.sessionsInChainOrder()).containsExactly(a.data().sessionId(), b.data().sessionId(),
                c.data().sessionId());
        assertThat(other.sessionsInChainOrder()).containsExactly(x.data().sessionId());
        assertThat(f.verify(f.memberToken()).getBoolean("ok")).isTrue();
        assertThat(other.verify(other.memberToken()).getBoolean("ok")).isTrue();
    }

    @Test
    void anEventDeliveredTwiceInOneBatchOrInALaterOneIsFoldedOnce() {
        Fixture f = new Fixture();
        Envelope<SessionOpened> a = f.session();
        Envelope<SessionOpened> b = f.session();
        Envelope<SessionOpened> c = f.session();
        try (TestEventBus bus = infra.events()) {
            for (Envelope<?> envelope : List.of(a, a, b, a)) { // one burst: polled as one batch, or a few
                bus.publish(envelope);
            }
            f.awaitLines(2);
            bus.publish(b); // redelivered after its batch committed
            bus.publish(c); // folded after b's redelivery, in log order: its line means b's was skipped
            f.awaitLines(3);
        }

        assertThat(f.sessionsInChainOrder()).containsExactly(a.data().sessionId(), b.data().sessionId(),
                c.data().sessionId());
        assertThat(f.verify(f.memberToken()).getBoolean("ok")).isTrue();
        // audit-only events: the store's unique event id did the inbox's job, so no inbox row was kept for them
        assertThat(new Jdbc(dataSource).query("SELECT count(*) FROM processed_event WHERE event_id = ANY (?::uuid[])",
                row -> row.getLong(1), (Object) new String[] {a.metadata().id().toString(), b.metadata().id().toString(),
                        c.metadata().id().toString()})).containsExactly(0L);
    }

    @Test
    void aBurstOfStatementsLandsInPublishOrderAndOnlyAnUndecodableRecordIsDeadLettered() {
        Fixture f = new Fixture();
        int statements = 300;
        byte[] garbage = ("not an event " + f.team).getBytes(StandardCharsets.UTF_8);
        try (TestEventBus bus = infra.events()) {
            for (int i = 0; i < statements; i++) {
                if (i == statements / 2) {
                    bus.publishRaw(EventTopic.ACCESS.topicName(), f.cluster, garbage);
                }
                bus.publish(Envelope.of("test", new StatementExecuted(f.cluster, UUID.randomUUID(), f.person,
                        "select " + i, false, 0, Instant.now())));
            }
            f.awaitLines(statements);
            await().atMost(Duration.ofSeconds(30)).until(() -> bus.readAllRaw(EventTopic.ACCESS.dlqTopicName())
                    .stream().anyMatch(r -> Arrays.equals(r.value(), garbage)));
        }

        List<String> inChainOrder = new Jdbc(dataSource).query("SELECT statement FROM console_audit"
                + " WHERE chain_key = ? ORDER BY chain_seq", row -> row.getString(1), f.cluster);
        assertThat(inChainOrder).containsExactlyElementsOf(IntStream.range(0, statements).mapToObj(i -> "select " + i)
                .toList());
        JsonPath verified = f.verify(f.memberToken());
        assertThat(verified.getBoolean("ok")).isTrue();
        assertThat(verified.getLong("rowsChecked")).isEqualTo(statements);
    }

    @Test
    void rowsStoredBeforeTheChainExistedAreLinkedAtStartUpInIdOrder() {
        Fixture f = new Fixture();
        Jdbc jdbc = new Jdbc(dataSource);
        List<Long> legacy = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            legacy.add(jdbc.query("INSERT INTO console_audit (event_id, occurred_at, team, cluster_id, person, kind, detail)"
                    + " VALUES (?, now(), ?, ?, ?, 'SessionOpened', 'from a V3 row') RETURNING id", row -> row.getLong(1),
                    UUID.randomUUID(), f.team, f.cluster, f.person).get(0));
        }

        store.linkUnchained(null);
        store.linkUnchained(null); // a second replica starting finds nothing left to link

        JsonPath verified = f.verify(f.memberToken());
        assertThat(verified.getBoolean("ok")).isTrue();
        assertThat(verified.getLong("rowsChecked")).isEqualTo(3);
        assertThat(List.of(f.rowIdAt(1), f.rowIdAt(2), f.rowIdAt(3))).isEqualTo(legacy);
    }

    @Test
    void cursorPagingNeitherRepeatsNorSkipsLinesWhileNewOnesArrive() {
        Fixture f = new Fixture().withSessions(5);
        String token = f.memberToken();

        JsonPath first = f.page(token, null);
        f.publish(f.session().data(), f.session().data(), f.session().data());
        f.awaitLines(8);
        List<Object> seen = new ArrayList<>(first.getList("items.id"));
        String cursor = first.getString("nextCursor");
        while (cursor != null) {
            JsonPath next = f.page(token, cursor);
            seen.addAll(next.getList("items.id"));
            cursor = next.getString("nextCursor");
        }

        assertThat(seen).hasSize(5).doesNotHaveDuplicates();
    }

    private static Map<String, Object> byKind(List<Map<String, Object>> lines, String kind) {
        return lines.stream().filter(line -> kind.equals(line.get("kind"))).findFirst().orElseThrow();
    }

    private String token(String email, String... groups) {
        return infra.oidc().token().subject(email).email(email).groups(groups).sign();
    }

    /** A fresh team with one member and one cluster, so tests never see each other's lines. */
    private final class Fixture {
        final String team = "audit-" + UUID.randomUUID().toString().substring(0, 8);
        final String cluster = team + "/orders";
        final String person = "member-" + team + "@example.com";

        Fixture() {
            publish(new TeamMemberAdded(team, person));
            await().atMost(Duration.ofSeconds(30)).until(() -> given().auth().oauth2(memberToken())
                    .queryParam("team", team).get("/api/audit").statusCode() == 200);
        }

        Fixture withSessions(int count) {
            for (int i = 0; i < count; i++) {
                publish(session().data());
            }
            awaitLines(count);
            return this;
        }

        Envelope<SessionOpened> session() {
            return Envelope.of("test", new SessionOpened(cluster, UUID.randomUUID(), person, "10.0.0.1:1",
                    Instant.now(), null));
        }

        void publish(PlatformEvent... events) {
            try (TestEventBus bus = infra.events()) {
                for (PlatformEvent event : events) {
                    bus.publish(Envelope.of("test", event));
                }
            }
        }

        String memberToken() {
            return token(person);
        }

        List<Map<String, Object>> awaitLines(int count) {
            List<List<Map<String, Object>>> found = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                List<Map<String, Object>> items = given().auth().oauth2(memberToken()).queryParam("cluster", cluster)
                        .queryParam("size", 1000).get("/api/audit").then().statusCode(200).extract().jsonPath()
                        .getList("items");
                assertThat(items).hasSize(count);
                found.add(items);
            });
            return found.get(found.size() - 1);
        }

        JsonPath page(String token, String cursor) {
            var request = given().auth().oauth2(token).queryParam("cluster", cluster).queryParam("size", 2);
            if (cursor != null) {
                request = request.queryParam("cursor", cursor);
            }
            return request.get("/api/audit").then().statusCode(200).extract().jsonPath();
        }

        JsonPath verify(String token) {
            return given().auth().oauth2(token).queryParam("cluster", cluster).get("/api/audit/verify").then()
                    .statusCode(200).extract().jsonPath();
        }

        List<UUID> sessionsInChainOrder() {
            return new Jdbc(dataSource).query("SELECT session_id FROM console_audit WHERE chain_key = ? ORDER BY chain_seq",
                    row -> (UUID) row.getObject(1), cluster);
        }

        long rowIdAt(long chainSeq) {
            return new Jdbc(dataSource).query("SELECT id FROM console_audit WHERE chain_key = ? AND chain_seq = ?",
                    row -> row.getLong(1), cluster, chainSeq).get(0);
        }
    }
}
