package io.nais.pg.events;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Field checks for the compact constructors of the event records. A record that
 * exists is a valid fact; the JSON Schema says the same thing for the wire, this
 * says it for Java. Messages name the record and the field, never a value.
 */
final class Require {

    private static final Pattern CLUSTER_ID = Pattern.compile("[^/\\s]+/[^/\\s]+");

    private Require() {
    }

    static String text(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + " is required and must not be blank");
        }
        return value;
    }

    /** An optional text is absent or non-blank: "" would be a second way to say "absent". */
    static String optionalText(String value, String field) {
        return value == null ? null : text(value, field);
    }

    static <T> T present(T value, String field) {
        if (value == null) {
            throw new IllegalArgumentException(field + " is required");
        }
        return value;
    }

    static String clusterId(String value, String field) {
        if (!CLUSTER_ID.matcher(text(value, field)).matches()) {
            throw new IllegalArgumentException(field + " must have the form <team>/<app>");
        }
        return value;
    }

    static String optionalClusterId(String value, String field) {
        return value == null ? null : clusterId(value, field);
    }

    /** A cluster id is derived from its team and app; an event carrying both must agree. */
    static void clusterOf(String clusterId, String team, String app, String event) {
        clusterId(clusterId, event + ".clusterId");
        text(team, event + ".team");
        text(app, event + ".app");
        if (!clusterId.equals(team + "/" + app)) {
            throw new IllegalArgumentException(event + ".clusterId must equal <team>/<app> of "
                    + event + ".team and " + event + ".app");
        }
    }

    static long notNegative(long value, String field) {
        if (value < 0) {
            throw new IllegalArgumentException(field + " must not be negative");
        }
        return value;
    }

    static Duration notNegative(Duration value, String field) {
        if (present(value, field).isNegative()) {
            throw new IllegalArgumentException(field + " must not be negative");
        }
        return value;
    }

    static Duration positive(Duration value, String field) {
        if (present(value, field).isNegative() || value.isZero()) {
            throw new IllegalArgumentException(field + " must be positive");
        }
        return value;
    }

    static void notBefore(Instant later, Instant earlier, String laterField, String earlierField) {
        if (present(later, laterField).isBefore(present(earlier, earlierField))) {
            throw new IllegalArgumentException(laterField + " must not be before " + earlierField);
        }
    }

    static List<String> texts(List<String> values, String field) {
        present(values, field).forEach(value -> text(value, field + "[]"));
        return List.copyOf(values);
    }
}
