package io.nais.pg.migration.plan;

/** A sequence and its last value ({@code null}: never used, or not readable). */
public record SequenceInfo(String schema, String name, Long lastValue) {

    public String qualifiedName() {
        return schema + "." + name;
    }
}
