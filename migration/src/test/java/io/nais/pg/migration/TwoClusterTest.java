package io.nais.pg.migration;

import io.nais.pg.testsupport.postgres.PostgresCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** A "Cloud SQL" source seeded with {@link Clusters#SOURCE_SCHEMA} and an empty platform target, per test class. */
abstract class TwoClusterTest {

    static PostgresCluster source;
    static PostgresCluster target;

    @BeforeAll
    static void startClusters() {
        source = Clusters.startSource();
        target = Clusters.startTarget();
        Clusters.seedSource(source, Clusters.SOURCE_SCHEMA);
    }

    @AfterAll
    static void stopClusters() {
        if (source != null) {
            source.close();
        }
        if (target != null) {
            target.close();
        }
    }
}
