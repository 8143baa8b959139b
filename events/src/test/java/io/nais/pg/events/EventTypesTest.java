package io.nais.pg.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.InputStream;
import java.lang.reflect.RecordComponent;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class EventTypesTest {

    static List<EventType> types() {
        return EventTypes.all();
    }

    @Test
    void registryCoversEveryPermittedSubclassOfPlatformEvent() {
        Set<Class<?>> permitted = Set.of(PlatformEvent.class.getPermittedSubclasses());

        assertThat(EventTypes.all()).extracting(EventType::javaClass)
                .doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(permitted.stream()
                        .map(type -> type.asSubclass(PlatformEvent.class)).toList());
    }

    @Test
    void everyRegisteredTypeHasExactlyOneFixture() {
        assertThat(EventFixtures.all()).extracting(PlatformEvent::getClass)
                .doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(EventTypes.all().stream().map(EventType::javaClass).toList());
    }

    @ParameterizedTest
    @MethodSource("types")
    void typeNameIsNamespacedAndVersionedAndResolvesBack(EventType type) {
        assertThat(type.name()).isEqualTo("nais.pg." + type.javaClass().getSimpleName() + ".v1");
        assertThat(EventTypes.byName(type.name())).contains(type);
        assertThat(EventTypes.of(type.javaClass())).isEqualTo(type);
    }

    @Test
    void aRecordNamedWithAVersionSuffixIsThatVersionOfTheEvent() {
        assertThat(EventType.typeName("ClusterDiscoveredV2")).isEqualTo("nais.pg.ClusterDiscovered.v2");
        assertThat(EventType.typeName("ClusterDiscoveredV12")).isEqualTo("nais.pg.ClusterDiscovered.v12");
        assertThat(EventType.typeName("ClusterDiscovered")).isEqualTo("nais.pg.ClusterDiscovered.v1");
    }

    @ParameterizedTest
    @MethodSource("types")
    void schemaDescribesExactlyTheRecordComponents(EventType type) throws Exception {
        JsonNode schema = readSchema(type.schemaResource());
        Set<String> components = Arrays.stream(type.javaClass().getRecordComponents())
                .map(RecordComponent::getName).collect(Collectors.toSet());

        assertThat(schema.get("$schema").textValue()).isEqualTo("https://json-schema.org/draft/2020-12/schema");
        assertThat(schema.get("additionalProperties").booleanValue()).isFalse();
        assertThat(fieldNames(schema.get("properties"))).isEqualTo(components);
        assertThat(components).containsAll(values(schema.get("required")));
    }

    @Test
    void everySchemaFileBelongsToARegisteredType() throws URISyntaxException {
        File directory = new File(Objects.requireNonNull(
                getClass().getClassLoader().getResource(EventType.SCHEMA_DIRECTORY)).toURI());
        Set<String> expected = new HashSet<>(EventSchemas.fileNames());
        expected.addAll(Set.of(EventSchemas.ENVELOPE_SCHEMA, "common.schema.json"));

        assertThat(directory.list()).containsExactlyInAnyOrderElementsOf(expected);
    }

    @ParameterizedTest
    @EnumSource(EventTopic.class)
    void topicNamesMatchTheConstantsAndTheContract(EventTopic topic) throws Exception {
        String constant = (String) Topics.class.getField(topic.name()).get(null);
        String dlqConstant = (String) Topics.class.getField(topic.name() + "_DLQ").get(null);

        assertThat(topic.topicName()).isEqualTo(constant).matches("nais\\.pg\\.[a-z-]+\\.v\\d+");
        assertThat(topic.dlqTopicName()).isEqualTo(dlqConstant).isEqualTo(constant + ".dlq");
        assertThat(EventTopic.byTopicName(constant)).contains(topic);
        assertThat(EventTypes.on(topic)).isNotEmpty();
    }

    private static JsonNode readSchema(String resource) throws Exception {
        try (InputStream in = EventTypesTest.class.getClassLoader().getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            return new ObjectMapper().readTree(in);
        }
    }

    private static Set<String> fieldNames(JsonNode object) {
        Set<String> names = new HashSet<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static Set<String> values(JsonNode array) {
        Set<String> texts = new HashSet<>();
        array.forEach(item -> texts.add(item.textValue()));
        return texts;
    }
}
