package io.nais.pg.migration.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The plan's decisions, from profiles alone. */
class MigrationPlanTest {

    static final TableInfo KEYED = new TableInfo("public", "orders", 1 << 20, 100, List.of("id"));
    static final TableInfo UNKEYED = new TableInfo("audit", "events", 1 << 10, 10, List.of());

    static DatabaseProfile source(int version, Set<String> extensions, List<TableInfo> tables, long largeObjects, boolean logical) {
        return new DatabaseProfile(version / 10000 + ".1", version, "app", 1 << 22, extensions, List.of("public"), tables,
                List.of(), largeObjects, tables.size(), logical, true);
    }

    static DatabaseProfile target(int version, Set<String> available, long userObjects) {
        return new DatabaseProfile(version / 10000 + ".8", version, "demo_app_owner", 1 << 13, available, List.of("public"),
                List.of(), List.of(), 0, userObjects, false, true);
    }

    @Test
    void anEmptyNewerTargetWithEveryExtensionHasNoBlockers() {
        MigrationPlan plan = MigrationPlan.of(Mode.DUMP, source(140010, Set.of("pgcrypto"), List.of(KEYED, UNKEYED), 0, false),
                target(150008, Set.of("pgcrypto", "hstore"), 0), false);
        assertThat(plan.blockers()).isEmpty();
        assertThat(plan.warnings()).anyMatch(w -> w.contains("upgrade from PostgreSQL 14 to 15"));
    }

    @Test
    void anExtensionTheTargetLacksBlocks() {
        MigrationPlan plan = MigrationPlan.of(Mode.DUMP, source(150001, Set.of("postgis"), List.of(KEYED), 0, false),
                target(150008, Set.of("pgcrypto"), 0), false);
        assertThat(plan.blockers()).singleElement().asString().contains("extension postgis");
    }

    @Test
    void anOlderTargetBlocks() {
        MigrationPlan plan = MigrationPlan.of(Mode.DUMP, source(160002, Set.of(), List.of(KEYED), 0, false),
                target(150008, Set.of(), 0), false);
        assertThat(plan.blockers()).singleElement().asString().contains("older than the source");
    }

    @Test
    void aNonEmptyTargetBlocksUnlessForced() {
        DatabaseProfile source = source(150001, Set.of(), List.of(KEYED), 0, false);
        assertThat(MigrationPlan.of(Mode.DUMP, source, target(150008, Set.of(), 3), false).blockers())
                .singleElement().asString().contains("--force");
        assertThat(MigrationPlan.of(Mode.DUMP, source, target(150008, Set.of(), 3), true).blockers()).isEmpty();
    }

    @Test
    void replicateModeBlocksTablesWithoutPrimaryKeyLargeObjectsAndNonLogicalWal() {
        MigrationPlan plan = MigrationPlan.of(Mode.REPLICATE, source(150001, Set.of(), List.of(KEYED, UNKEYED), 2, false),
                target(150008, Set.of(), 0), false);
        assertThat(plan.blockers()).hasSize(3)
                .anyMatch(b -> b.contains("audit.events has no primary key"))
                .anyMatch(b -> b.contains("wal_level"))
                .anyMatch(b -> b.contains("large object"));
    }

    @Test
    void dumpModeOnlyWarnsAboutTablesWithoutPrimaryKey() {
        MigrationPlan plan = MigrationPlan.of(Mode.DUMP, source(150001, Set.of(), List.of(UNKEYED), 0, false),
                target(150008, Set.of(), 0), false);
        assertThat(plan.blockers()).isEmpty();
        assertThat(plan.warnings()).anyMatch(w -> w.contains("without a primary key"));
    }
}
