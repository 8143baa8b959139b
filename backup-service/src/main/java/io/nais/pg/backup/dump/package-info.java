/**
 * The streaming backup: {@code pg_dump -Fc --snapshot} → age → SHA-256 → S3
 * multipart upload, and the manifest written last. Row counts are taken in the
 * same exported snapshot as the dump, so they are exactly what the dump holds.
 * Plain Java, so the benchmark runs this very code.
 */
package io.nais.pg.backup.dump;
