package io.nais.pg.migration.plan;

import java.util.List;

/** A user table: its size on disk, estimated rows, and primary-key columns (empty: none). */
public record TableInfo(String schema, String name, long bytes, long estimatedRows, List<String> primaryKey) {

    public TableInfo {
        primaryKey = List.copyOf(primaryKey);
    }

    public String qualifiedName() {
        return schema + "." + name;
    }

    public boolean hasPrimaryKey() {
        return !primaryKey.isEmpty();
    }
}
