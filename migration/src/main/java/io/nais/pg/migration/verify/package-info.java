/**
 * Verification, the same in both modes: per table, the row count and a checksum of the content
 * (sum of md5 of each row's text, computed server-side, order-independent, so it needs neither a
 * primary key nor a sort, and scales with one sequential scan per table); per sequence, the target
 * must be at or beyond the source. Source and target are scanned concurrently. A missing table is
 * a mismatch, named in the report and in MigrationFailed.
 */
package io.nais.pg.migration.verify;
