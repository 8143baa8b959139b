package io.nais.pg.backup.dump;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.UUID;

/**
 * Where a cluster's backups live in the bucket:
 * {@code <prefix><team>/<app>/<yyyyMMdd'T'HHmmss'Z'>-<backupId>.dump.age} and
 * the manifest beside it. Sorting the keys of a cluster sorts its backups by
 * time, which is what an operator with only an S3 client needs in a disaster.
 */
public final class ObjectKeys {

    public static final String DUMP_SUFFIX = ".dump.age";
    public static final String MANIFEST_SUFFIX = ".manifest.json";
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private ObjectKeys() {
    }

    /** The folder of a cluster ({@code team/app/}), under the store's prefix. */
    public static String clusterFolder(String prefix, String clusterId) {
        return prefix + clusterId + "/";
    }

    public static String dumpKey(String prefix, String clusterId, Instant startedAt, UUID backupId) {
        return clusterFolder(prefix, clusterId) + STAMP.format(startedAt) + "-" + backupId + DUMP_SUFFIX;
    }

    public static String manifestKey(String dumpKey) {
        if (!dumpKey.endsWith(DUMP_SUFFIX)) {
            throw new IllegalArgumentException("not a dump key: " + dumpKey);
        }
        return dumpKey.substring(0, dumpKey.length() - DUMP_SUFFIX.length()) + MANIFEST_SUFFIX;
    }
}
