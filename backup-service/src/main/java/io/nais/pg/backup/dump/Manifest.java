package io.nais.pg.backup.dump;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import io.nais.pg.backup.postgres.DatabaseFingerprint;
import io.nais.pg.backup.postgres.RowCounts;

/**
 * What a stored dump holds, written beside it as {@code <base>.manifest.json}
 * and always LAST: a dump object without a manifest is an interrupted backup.
 * Everything a restore needs to check itself: the object's SHA-256 and size,
 * the server version, the rows per table in the dump's snapshot, and the age
 * recipients (public keys) whose identity opens it.
 *
 * <p>Version 2 adds what verification compares beyond row counts (a
 * {@link DatabaseFingerprint}): per table a checksum of its rows and its index
 * definitions, and each sequence's last value. A version 1 manifest has none
 * of them (they read as {@code null}); its backups are still verified, by row
 * counts only.
 */
public record Manifest(
        int manifestVersion,
        UUID backupId,
        String clusterId,
        String objectKey,
        long bytes,
        String sha256,
        String pgVersion,
        String format,
        List<String> recipients,
        Instant startedAt,
        Instant completedAt,
        Map<String, Long> tableRows,
        Map<String, String> tableChecksums,
        Map<String, Map<String, String>> tableIndexes,
        Map<String, DatabaseFingerprint.SequenceValue> sequences) {

    public static final String FORMAT = "pg_dump -Fc | age (X25519)";
    /** What this service writes; 1 had row counts only. */
    public static final int VERSION = 2;

    /** What was dumped, to compare a restore with; empty for a version 1 manifest (row counts only). */
    public Optional<DatabaseFingerprint> fingerprint() {
        if (tableChecksums == null || tableIndexes == null || sequences == null) {
            return Optional.empty();
        }
        return Optional.of(new DatabaseFingerprint(tableRows, tableChecksums, tableIndexes, sequences));
    }

    private static final ObjectMapper JSON = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    public long totalRows() {
        return RowCounts.total(tableRows);
    }

    public byte[] toJson() {
        try {
            return JSON.writeValueAsBytes(this);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Manifest fromJson(byte[] json) {
        try {
            return JSON.readValue(json, Manifest.class);
        } catch (IOException e) {
            throw new UncheckedIOException("not a backup manifest", e);
        }
    }
}
