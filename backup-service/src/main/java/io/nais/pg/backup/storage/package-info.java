/**
 * Off-site storage: an S3-compatible bucket through the AWS SDK v2.
 *
 * <p>Decisions: a dump is a multipart upload fed from fixed, recycled part
 * buffers (memory = partSize × (uploadsInFlight + 1), whatever the database
 * size; no temp file); an upload that did not finish is aborted, and the
 * manifest ({@code .manifest.json}) is written only after the dump object is
 * complete, so a dump without a manifest is never taken for a backup.
 *
 * <p>The last, short part is sent as soon as the data ends
 * ({@code MultipartUpload.endOfData}), while the caller still waits for
 * pg_dump's exit; only CompleteMultipartUpload waits for that verdict.
 * Parts are signed with the SDK's payload SHA-256: over plain http the SDK
 * signs the payload whatever {@code PAYLOAD_SIGNING_ENABLED} says (only https
 * may send UNSIGNED-PAYLOAD), and that hash costs tens of milliseconds per
 * backup against a compressed dump (bench/backup-throughput.sh: a 1 GB
 * database is a 19 MB object), so it is kept.
 */
package io.nais.pg.backup.storage;
