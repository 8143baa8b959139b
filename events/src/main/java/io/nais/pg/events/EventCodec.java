package io.nais.pg.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The one codec between {@link Envelope} and the CloudEvents 1.0 structured
 * JSON document. Both directions validate against the JSON Schemas, so a
 * producer cannot emit what a consumer would reject. Thread-safe; its only state
 * is the memo of {@link StatementFastPath}.
 */
public final class EventCodec {

    static final String SPEC_VERSION = "1.0";
    static final String CONTENT_TYPE = "application/json";

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
            .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            // parse errors must not echo the document
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();

    private EventCodec() {
    }

    public static byte[] encode(Envelope<?> envelope) {
        try {
            return MAPPER.writeValueAsBytes(toDocument(envelope));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + envelope.type(), e);
        }
    }

    /**
     * The same bytes as {@link #encode} for each envelope, in order, for producers of
     * high-rate events (the gateway's statement audit). A {@link StatementExecuted}
     * whose format-checked strings already passed the schema is written straight to
     * bytes by {@link StatementDocument}, without a tree or a schema run ({@link StatementFastPath} says why that
     * cannot let through what {@link #decode} would reject); everything else goes
     * through {@link #encode}.
     *
     * @throws InvalidEventException as {@link #encode}, for the first envelope that fails
     */
    public static List<byte[]> encodeAll(List<? extends Envelope<?>> envelopes) {
        List<byte[]> encoded = new ArrayList<>(envelopes.size());
        StatementFastPath fastPath = new StatementFastPath();
        StatementDocument document = new StatementDocument();
        for (Envelope<?> envelope : envelopes) {
            StatementDocument.Escaped trusted = fastPath.trusted(envelope);
            if (trusted != null) {
                encoded.add(document.write(envelope, (StatementExecuted) envelope.data(), trusted));
            } else {
                encoded.add(encode(envelope));
                StatementFastPath.passed(envelope);
            }
        }
        return encoded;
    }

    public static String encodeToString(Envelope<?> envelope) {
        return new String(encode(envelope), StandardCharsets.UTF_8);
    }

    /** @throws InvalidEventException for malformed JSON, an unknown type, or a schema violation */
    public static Envelope<?> decode(byte[] json) {
        if (json == null) {
            throw new InvalidEventException(null, "", "no document (null)");
        }
        return fromDocument(parse(json));
    }

    /** @throws InvalidEventException for malformed JSON, an unknown type, or a schema violation */
    public static Envelope<?> decode(String json) {
        if (json == null) {
            throw new InvalidEventException(null, "", "no document (null)");
        }
        return decode(json.getBytes(StandardCharsets.UTF_8));
    }

    private static ObjectNode toDocument(Envelope<?> envelope) {
        EventMetadata metadata = envelope.metadata();
        EventType type = envelope.eventType();
        ObjectNode document = MAPPER.createObjectNode()
                .put("specversion", SPEC_VERSION)
                .put("id", metadata.id().toString())
                .put("type", type.name())
                .put("source", metadata.producer())
                .put("subject", envelope.key())
                .put("time", metadata.time().toString())
                .put("datacontenttype", CONTENT_TYPE)
                .put("correlationid", metadata.correlationId());
        document.set("data", MAPPER.valueToTree(envelope.data()));
        requireValid(document, type);
        return document;
    }

    private static Envelope<?> fromDocument(JsonNode document) {
        String typeName = document.path("type").textValue();
        reject(typeName, EventSchemas.checkEnvelope(document));
        EventType type = knownType(typeName);
        reject(typeName, EventSchemas.checkData(type, document.get("data")));
        PlatformEvent data = readData(type, document.get("data"));
        requireSubjectIsAggregate(type, document, data);
        return new Envelope<>(readMetadata(type, document), data);
    }

    private static void requireValid(JsonNode document, EventType type) {
        reject(type.name(), EventSchemas.checkEnvelope(document));
        reject(type.name(), EventSchemas.checkData(type, document.get("data")));
    }

    private static void reject(String typeName, Optional<EventSchemas.Violation> violation) {
        violation.ifPresent(found -> {
            throw new InvalidEventException(typeName, found.pointer(), found.problem());
        });
    }

    private static EventType knownType(String typeName) {
        return EventTypes.byName(typeName).orElseThrow(() -> new InvalidEventException(typeName, "/type",
                "unknown event type; known types are listed in io.nais.pg.events.EventTypes"));
    }

    private static JsonNode parse(byte[] json) {
        try {
            JsonNode document = MAPPER.readTree(json);
            if (document == null || document.isMissingNode()) {
                throw new InvalidEventException(null, "", "empty document");
            }
            return document;
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new InvalidEventException(null, "", "malformed JSON" + where + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new InvalidEventException(null, "", "unreadable document: " + e.getMessage(), e);
        }
    }

    private static PlatformEvent readData(EventType type, JsonNode data) {
        try {
            return MAPPER.treeToValue(data, type.javaClass());
        } catch (JsonProcessingException | IllegalArgumentException e) {
            // The schema passed, so this is a rule the record checks itself (e.g. clusterId = team/app).
            throw new InvalidEventException(type.name(), "/data", rootMessage(e), e);
        }
    }

    // The envelope schema has checked every attribute; only an RFC 3339 time that
    // java.time cannot represent is left to fail here.
    private static EventMetadata readMetadata(EventType type, JsonNode document) {
        Instant time;
        try {
            time = OffsetDateTime.parse(document.get("time").textValue()).toInstant();
        } catch (DateTimeException e) {
            throw new InvalidEventException(type.name(), "/time", e.getMessage(), e);
        }
        return new EventMetadata(UUID.fromString(document.get("id").textValue()), time,
                document.get("source").textValue(), document.get("correlationid").textValue());
    }

    private static void requireSubjectIsAggregate(EventType type, JsonNode document, PlatformEvent data) {
        if (!data.aggregateId().equals(document.get("subject").textValue())) {
            throw new InvalidEventException(type.name(), "/subject", "must equal the aggregate id of data");
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage();
    }
}
