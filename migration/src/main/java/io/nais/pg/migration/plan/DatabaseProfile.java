package io.nais.pg.migration.plan;

import java.util.List;
import java.util.Set;

/**
 * What the plan needs to know about one database, read once. Pure data: the
 * decisions are in {@link MigrationPlan}.
 *
 * @param serverVersionNum {@code server_version_num}, e.g. 150008
 * @param extensions installed extensions (source) or available ones (target)
 * @param userObjects relations outside the system schemas (0: an empty target)
 * @param logicalWal {@code wal_level = logical}
 * @param canReplicate the user is a superuser or has REPLICATION
 */
public record DatabaseProfile(String serverVersion, int serverVersionNum, String owner, long databaseBytes,
        Set<String> extensions, List<String> schemas, List<TableInfo> tables, List<SequenceInfo> sequences,
        long largeObjects, long userObjects, boolean logicalWal, boolean canReplicate) {

    public DatabaseProfile {
        extensions = Set.copyOf(extensions);
        schemas = List.copyOf(schemas);
        tables = List.copyOf(tables);
        sequences = List.copyOf(sequences);
    }

    public int majorVersion() {
        return serverVersionNum / 10000;
    }

    public long tableBytes() {
        return tables.stream().mapToLong(TableInfo::bytes).sum();
    }

    public List<TableInfo> tablesWithoutPrimaryKey() {
        return tables.stream().filter(t -> !t.hasPrimaryKey()).toList();
    }
}
