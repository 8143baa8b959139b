package io.nais.pg.events;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One registered event: its record class, its CloudEvents {@code type}
 * ({@code nais.pg.<Name>.v<version>}), its topic and its JSON Schema resource.
 */
public record EventType(Class<? extends PlatformEvent> javaClass, String name, EventTopic topic,
        String schemaResource) {

    static final String SCHEMA_DIRECTORY = "io/nais/pg/events/schemas/";

    /** A record named {@code FooV2} is version 2 of {@code Foo}; any other name is version 1. */
    private static final Pattern VERSIONED = Pattern.compile("(.+)V([2-9]|[1-9][0-9]+)");

    static EventType of(Class<? extends PlatformEvent> javaClass, EventTopic topic) {
        String simpleName = javaClass.getSimpleName();
        return new EventType(javaClass, typeName(simpleName), topic, SCHEMA_DIRECTORY + simpleName + ".schema.json");
    }

    static String typeName(String simpleName) {
        Matcher versioned = VERSIONED.matcher(simpleName);
        return versioned.matches()
                ? "nais.pg." + versioned.group(1) + ".v" + versioned.group(2)
                : "nais.pg." + simpleName + ".v1";
    }
}
