/**
 * Off-site storage: an S3-compatible bucket through the AWS SDK v2.
 *
 * <p>Decisions: a dump is a multipart upload fed from fixed, recycled part
 * buffers (memory = partSize × (uploadsInFlight + 1), whatever the database
 * size; no temp file); an upload that did not finish is aborted, and the
 * manifest ({@code .manifest.json}) is written only after the dump object is
 * complete, so a dump without a manifest is never taken for a backup.
 */
package io.nais.pg.backup.storage;
