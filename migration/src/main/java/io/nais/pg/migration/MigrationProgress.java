package io.nais.pg.migration;

/**
 * What a running migration reports besides its printed lines, for a caller
 * that shows progress elsewhere (backup-service's migration API answers
 * {@code GET /api/migrations/{id}} from it). Called on the migration's thread;
 * an implementation only records, it never blocks.
 */
public interface MigrationProgress {

    /** The stage it entered: plan, copy, schema, replicate, cutover or verify. */
    void stage(String stage);

    /** The plan is known: how many tables the source has and its tables' bytes (the copy's rough total). */
    void planned(int tables, long expectedBytes);

    /** Bytes of the dump stream so far; called for every buffer, so only record it. */
    void copied(long bytes);

    /** Nothing is listening: the CLI's in-process run prints its progress instead. */
    MigrationProgress NONE = new MigrationProgress() {
        @Override
        public void stage(String stage) {
        }

        @Override
        public void planned(int tables, long expectedBytes) {
        }

        @Override
        public void copied(long bytes) {
        }
    };
}
