package io.nais.pg.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class EventCodecTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static List<PlatformEvent> samples() {
        return EventFixtures.all();
    }

    @ParameterizedTest
    @MethodSource("samples")
    void everyEventEncodesToASchemaValidDocumentAndDecodesEqual(PlatformEvent event) throws Exception {
        Envelope<PlatformEvent> envelope = Envelope.of("access-service", event);

        JsonNode document = JSON.readTree(EventCodec.encode(envelope));

        assertThat(EventSchemas.checkEnvelope(document)).isEmpty();
        assertThat(EventSchemas.checkData(EventTypes.of(event), document.get("data"))).isEmpty();
        assertThat(EventCodec.decode(EventCodec.encode(envelope))).isEqualTo(envelope);
    }

    @Test
    void documentIsACloudEventsStructuredEnvelope() throws Exception {
        Envelope<TeamMemberAdded> envelope = Envelope.of("console-sync-service",
                new TeamMemberAdded("team-a", "me@example.com"));

        JsonNode document = JSON.readTree(EventCodec.encodeToString(envelope));

        assertThat(document.get("specversion").textValue()).isEqualTo("1.0");
        assertThat(document.get("id").textValue()).isEqualTo(envelope.metadata().id().toString());
        assertThat(document.get("type").textValue()).isEqualTo("nais.pg.TeamMemberAdded.v1");
        assertThat(document.get("source").textValue()).isEqualTo("console-sync-service");
        assertThat(document.get("subject").textValue()).isEqualTo("team-a");
        assertThat(document.get("time").textValue()).isEqualTo(envelope.metadata().time().toString());
        assertThat(document.get("datacontenttype").textValue()).isEqualTo("application/json");
        assertThat(document.get("correlationid").textValue()).isEqualTo(envelope.metadata().correlationId());
        assertThat(document.get("data").get("email").textValue()).isEqualTo("me@example.com");
    }

    @Test
    void documentWrittenAsInTheContractDecodes() {
        String document = """
                {"specversion":"1.0","id":"4f9c1d2e-8b7a-4c3d-9e2f-1a0b9c8d7e6f","type":"nais.pg.TeamMemberAdded.v1",
                 "source":"access-service","subject":"team-a","time":"2026-11-24T10:00:00Z",
                 "datacontenttype":"application/json","correlationid":"4f9c1d2e-8b7a-4c3d-9e2f-1a0b9c8d7e6f",
                 "data":{"team":"team-a","email":"me@example.com"}}
                """;

        Envelope<?> envelope = EventCodec.decode(document);

        assertThat(envelope.data()).isEqualTo(new TeamMemberAdded("team-a", "me@example.com"));
        assertThat(envelope.metadata()).isEqualTo(new EventMetadata(
                java.util.UUID.fromString("4f9c1d2e-8b7a-4c3d-9e2f-1a0b9c8d7e6f"), EventFixtures.T0,
                "access-service", "4f9c1d2e-8b7a-4c3d-9e2f-1a0b9c8d7e6f"));
    }

    @Test
    void instantsAndDurationsAreIsoStringsNotNumbers() throws Exception {
        JsonNode data = JSON.readTree(EventCodec.encode(Envelope.of("backup-service",
                new RestoreVerified(EventFixtures.BACKUP, EventFixtures.CLUSTER, true, 1, 2,
                        java.time.Duration.ofSeconds(95, 250_000_000), null)))).get("data");
        JsonNode session = JSON.readTree(EventCodec.encode(Envelope.of("access-service",
                EventFixtures.of(SessionClosed.class)))).get("data");

        assertThat(data.get("duration").textValue()).isEqualTo("PT1M35.25S");
        assertThat(session.get("closedAt").textValue()).isEqualTo("2026-11-24T10:05:30.123456789Z");
    }

    @Test
    void absentOptionalFieldsAreOmittedAndRoundTrip() throws Exception {
        Envelope<LoginDenied> envelope = Envelope.of("access-service",
                new LoginDenied(null, null, "10.0.0.7:51234", "no database named", "28000"));

        JsonNode document = JSON.readTree(EventCodec.encode(envelope));

        assertThat(document.get("data").has("clusterId")).isFalse();
        assertThat(document.get("subject").textValue()).isEqualTo(LoginDenied.UNKNOWN_CLUSTER);
        assertThat(EventCodec.decode(EventCodec.encode(envelope))).isEqualTo(envelope);
    }

    @Test
    void explicitNullForAnOptionalFieldIsAccepted() {
        byte[] document = edit(EventFixtures.of(SessionOpened.class), doc -> data(doc).putNull("grantId"));

        assertThat(((SessionOpened) EventCodec.decode(document).data()).grantId()).isNull();
    }

    @Test
    void sessionOpenedWithoutALevelFromAnOlderGatewayStillDecodes() {
        byte[] document = edit(EventFixtures.of(SessionOpened.class), doc -> data(doc).remove("level"));

        assertThat(((SessionOpened) EventCodec.decode(document).data()).level()).isNull();
    }

    @Test
    void sessionOpenedWithAnUnknownLevelIsRejected() {
        byte[] document = edit(EventFixtures.of(SessionOpened.class), doc -> data(doc).put("level", "ADMIN"));

        assertThatThrownBy(() -> EventCodec.decode(document)).isInstanceOf(InvalidEventException.class);
    }

    @Test
    void missingRequiredFieldIsRejectedNamingIt() {
        byte[] document = edit(new TeamMemberAdded("team-a", "me@example.com"), doc -> data(doc).remove("email"));

        assertInvalid(document, "nais.pg.TeamMemberAdded.v1", "/data/email");
    }

    @Test
    void fieldOfTheWrongTypeIsRejectedNamingIt() {
        byte[] document = edit(EventFixtures.clusterDiscovered(), doc -> data(doc).put("port", "5432"));

        assertInvalid(document, "nais.pg.ClusterDiscovered.v1", "/data/port");
    }

    @Test
    void extraFieldIsRejectedNamingIt() {
        byte[] document = edit(new TeamMemberAdded("team-a", "me@example.com"),
                doc -> data(doc).put("password", "hunter2"));

        assertThatThrownBy(() -> EventCodec.decode(document))
                .isInstanceOfSatisfying(InvalidEventException.class,
                        e -> assertThat(e.pointer()).isEqualTo("/data/password"))
                .message().doesNotContain("hunter2");
    }

    @Test
    void malformedFormatIsRejectedNamingTheField() {
        assertInvalid(edit(EventFixtures.of(DbaAccessRequested.class), doc -> data(doc).put("duration", "2 hours")),
                "nais.pg.DbaAccessRequested.v1", "/data/duration");
        assertInvalid(edit(EventFixtures.of(TeamMemberAdded.class), doc -> data(doc).put("email", "not-an-email")),
                "nais.pg.TeamMemberAdded.v1", "/data/email");
        assertInvalid(edit(EventFixtures.of(BackupStarted.class), doc -> data(doc).put("startedAt", "yesterday")),
                "nais.pg.BackupStarted.v1", "/data/startedAt");
        assertInvalid(edit(EventFixtures.of(GrantExpired.class), doc -> data(doc).put("grantId", "42")),
                "nais.pg.GrantExpired.v1", "/data/grantId");
    }

    @Test
    void envelopeViolationsAreRejectedNamingTheAttribute() {
        PlatformEvent event = EventFixtures.of(TeamMemberAdded.class);

        assertInvalid(edit(event, doc -> doc.remove("id")), "nais.pg.TeamMemberAdded.v1", "/id");
        assertInvalid(edit(event, doc -> doc.put("specversion", "0.3")), "nais.pg.TeamMemberAdded.v1", "/specversion");
        assertInvalid(edit(event, doc -> doc.put("time", 1_700_000_000)), "nais.pg.TeamMemberAdded.v1", "/time");
        assertInvalid(edit(event, doc -> doc.put("traceparent", "00-x")), "nais.pg.TeamMemberAdded.v1", "/traceparent");
    }

    @Test
    void unknownTypeIsRejectedNamingTheType() {
        byte[] document = edit(EventFixtures.of(TeamMemberAdded.class),
                doc -> doc.put("type", "nais.pg.TeamMemberPromoted.v1"));

        assertThatThrownBy(() -> EventCodec.decode(document))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> {
                    assertThat(e.type()).isEqualTo("nais.pg.TeamMemberPromoted.v1");
                    assertThat(e.pointer()).isEqualTo("/type");
                })
                .hasMessageContaining("unknown event type");
    }

    @Test
    void newerVersionOfAKnownEventIsAnUnknownType() {
        byte[] document = edit(EventFixtures.of(TeamMemberAdded.class),
                doc -> doc.put("type", "nais.pg.TeamMemberAdded.v2"));

        assertInvalid(document, "nais.pg.TeamMemberAdded.v2", "/type");
    }

    @Test
    void malformedJsonIsRejected() {
        assertThatThrownBy(() -> EventCodec.decode("{\"specversion\":\"1.0\",".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("malformed JSON");
        assertThatThrownBy(() -> EventCodec.decode("")).isInstanceOf(InvalidEventException.class);
        assertThatThrownBy(() -> EventCodec.decode("[1,2]")).isInstanceOf(InvalidEventException.class);
        assertThatThrownBy(() -> EventCodec.decode((byte[]) null)).isInstanceOf(InvalidEventException.class);
    }

    @Test
    void ruleTheRecordChecksBeyondTheSchemaIsRejected() {
        byte[] document = edit(new ClusterRemoved(EventFixtures.CLUSTER, "team-a", "demo-app"),
                doc -> data(doc).put("team", "team-b"));

        assertThatThrownBy(() -> EventCodec.decode(document))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("nais.pg.ClusterRemoved.v1")
                .hasMessageContaining("ClusterRemoved.clusterId");
    }

    @Test
    void subjectThatIsNotTheAggregateIsRejected() {
        assertInvalid(edit(EventFixtures.of(TeamMemberAdded.class), doc -> doc.put("subject", "team-b")),
                "nais.pg.TeamMemberAdded.v1", "/subject");
    }

    @Test
    void encodeRefusesAnEventItsConsumersWouldReject() {
        Envelope<TeamMemberAdded> envelope = Envelope.of("access-service", new TeamMemberAdded("team-a", "me"));

        assertThatThrownBy(() -> EventCodec.encode(envelope))
                .isInstanceOfSatisfying(InvalidEventException.class,
                        e -> assertThat(e.pointer()).isEqualTo("/data/email"));
    }

    @Test
    void codecIsSafeToShareBetweenThreads() {
        List<Envelope<PlatformEvent>> envelopes = EventFixtures.all().stream()
                .map(event -> Envelope.of("access-service", event)).toList();

        List<Boolean> roundTrips = IntStream.range(0, 2_000).parallel()
                .mapToObj(i -> envelopes.get(i % envelopes.size()))
                .map(envelope -> EventCodec.decode(EventCodec.encode(envelope)).equals(envelope))
                .toList();

        assertThat(roundTrips).containsOnly(true);
    }

    private static void assertInvalid(byte[] document, String type, String pointer) {
        assertThatThrownBy(() -> EventCodec.decode(document))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> {
                    assertThat(e.type()).isEqualTo(type);
                    assertThat(e.pointer()).isEqualTo(pointer);
                })
                .hasMessageContaining(type)
                .hasMessageContaining(pointer);
    }

    private static byte[] edit(PlatformEvent event, Consumer<ObjectNode> change) {
        try {
            ObjectNode document = (ObjectNode) JSON.readTree(EventCodec.encode(Envelope.of("access-service", event)));
            change.accept(document);
            return JSON.writeValueAsBytes(document);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ObjectNode data(ObjectNode document) {
        return (ObjectNode) document.get("data");
    }
}
