package io.nais.pg.backup.dump;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
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
    private static final int STAMP_LENGTH = "yyyyMMddTHHmmssZ".length();

    private ObjectKeys() {
    }

    /** The folder of a cluster ({@code team/app/}), under the store's prefix. */
    public static String clusterFolder(String prefix, String clusterId) {
        return prefix + clusterId + "/";
    }

    public static String dumpKey(String prefix, String clusterId, Instant startedAt, UUID backupId) {
        return clusterFolder(prefix, clusterId) + STAMP.format(startedAt) + "-" + backupId + DUMP_SUFFIX;
    }

    /** When the backup of a dump key started (the stamp in its name), if the key is one of ours. */
    public static Optional<Instant> startedAt(String dumpKey) {
        String name = dumpKey.substring(dumpKey.lastIndexOf('/') + 1);
        if (!name.endsWith(DUMP_SUFFIX) || name.length() < STAMP_LENGTH) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.from(STAMP.parse(name.substring(0, STAMP_LENGTH))));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    public static String manifestKey(String dumpKey) {
        if (!dumpKey.endsWith(DUMP_SUFFIX)) {
            throw new IllegalArgumentException("not a dump key: " + dumpKey);
        }
        return dumpKey.substring(0, dumpKey.length() - DUMP_SUFFIX.length()) + MANIFEST_SUFFIX;
    }
}
