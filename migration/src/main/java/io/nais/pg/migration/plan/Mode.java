package io.nais.pg.migration.plan;

import java.util.Locale;

/** How the data moves: one streamed dump, or logical replication with a short cut-over. */
public enum Mode {
    DUMP, REPLICATE;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
