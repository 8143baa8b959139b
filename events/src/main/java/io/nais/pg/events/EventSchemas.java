package io.nais.pg.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.AbsoluteIri;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import com.networknt.schema.resource.InputStreamSource;
import java.io.FileNotFoundException;
import java.io.InputStream;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The JSON Schemas, loaded and compiled once when the class is first used. A
 * compiled {@link JsonSchema} is safe to share between threads.
 */
final class EventSchemas {

    /** The {@code $id} prefix of our schemas, served from the classpath instead of the network. */
    static final String ID_PREFIX = "https://nais.io/pg/events/schemas/";
    static final String ENVELOPE_SCHEMA = "envelope.schema.json";

    // Our $ids are served from this jar through our own class loader: never the network, and
    // independent of the thread context class loader (Quarkus swaps it).
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
            builder -> builder.schemaLoaders(loaders -> loaders.add(EventSchemas::fromThisJar)));

    // Formats (uuid, date-time, duration, email) are assertions here, not mere annotations.
    // Durations are checked as ISO 8601 rather than strict RFC 3339, whose grammar has no
    // fractional seconds: java.time.Duration writes PT1M35.25S.
    private static final SchemaValidatorsConfig CONFIG = SchemaValidatorsConfig.builder()
            .pathType(PathType.JSON_POINTER)
            .formatAssertionsEnabled(true)
            .strict("duration", false)
            .locale(Locale.ENGLISH)
            .build();

    private static final JsonSchema ENVELOPE = load(ENVELOPE_SCHEMA);
    private static final Map<EventType, JsonSchema> DATA = EventTypes.all().stream()
            .collect(Collectors.toUnmodifiableMap(Function.identity(), type -> load(fileName(type))));

    private EventSchemas() {
    }

    /** A schema violation: where (JSON pointer into the envelope) and what. */
    record Violation(String pointer, String problem) {
    }

    static Optional<Violation> checkEnvelope(JsonNode document) {
        return firstViolation(ENVELOPE, document, "");
    }

    static Optional<Violation> checkData(EventType type, JsonNode data) {
        return firstViolation(DATA.get(type), data, "/data");
    }

    private static Optional<Violation> firstViolation(JsonSchema schema, JsonNode node, String prefix) {
        return schema.validate(node).stream()
                .map(message -> violation(message, prefix))
                .min(Comparator.comparing(Violation::pointer).thenComparing(Violation::problem));
    }

    private static Violation violation(ValidationMessage message, String prefix) {
        String location = prefix + message.getInstanceLocation().toString();
        // "required" and "additionalProperties" report the object; the field is the property they name.
        boolean namesProperty = message.getProperty() != null
                && ("required".equals(message.getType()) || "additionalProperties".equals(message.getType()));
        String pointer = namesProperty ? location + "/" + message.getProperty() : location;
        return new Violation(pointer, message.getError());
    }

    private static InputStreamSource fromThisJar(AbsoluteIri iri) {
        String id = iri.toString();
        if (!id.startsWith(ID_PREFIX)) {
            return null;
        }
        String resource = EventType.SCHEMA_DIRECTORY + id.substring(ID_PREFIX.length());
        return () -> {
            InputStream in = EventSchemas.class.getClassLoader().getResourceAsStream(resource);
            if (in == null) {
                throw new FileNotFoundException(resource);
            }
            return in;
        };
    }

    private static String fileName(EventType type) {
        return type.schemaResource().substring(EventType.SCHEMA_DIRECTORY.length());
    }

    private static JsonSchema load(String fileName) {
        JsonSchema schema = FACTORY.getSchema(SchemaLocation.of(ID_PREFIX + fileName), CONFIG);
        schema.initializeValidators();
        return schema;
    }

    static List<String> fileNames() {
        return EventTypes.all().stream().map(EventSchemas::fileName).toList();
    }
}
