package io.nais.pg.console.kubernetes;

import java.util.Map;
import java.util.Optional;

/** Reading the fields both operators' resources share the meaning of. Pure. */
final class ResourceFields {

    private ResourceFields() {
    }

    /** The app label, else the resource name. */
    static String app(String name, Map<String, String> labels, KubernetesConfig config) {
        return Optional.ofNullable(labels.get(config.appLabel())).filter(s -> !s.isBlank()).orElse(name);
    }

    /** The database label, when set. */
    static Optional<String> databaseLabel(Map<String, String> labels, KubernetesConfig config) {
        return text(labels.get(config.databaseLabel()));
    }

    /** A nested object of a resource, or an empty map. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> object(Map<String, Object> parent, String key) {
        return parent != null && parent.get(key) instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
    }

    /** A non-blank text value. */
    static Optional<String> text(Object value) {
        return Optional.ofNullable(value).map(Object::toString).filter(s -> !s.isBlank());
    }
}
