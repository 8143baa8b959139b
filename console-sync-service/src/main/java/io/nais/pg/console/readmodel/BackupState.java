package io.nais.pg.console.readmodel;

/** A backup's lifecycle; a higher rank is a later stage and wins over a lower one. */
public enum BackupState {
    STARTED(0), COMPLETED(1), FAILED(1), PRUNED(2);

    final int rank;

    BackupState(int rank) {
        this.rank = rank;
    }
}
