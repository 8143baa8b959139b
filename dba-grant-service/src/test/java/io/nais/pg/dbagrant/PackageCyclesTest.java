package io.nais.pg.dbagrant;

import org.junit.jupiter.api.Test;

import io.nais.pg.testsupport.architecture.PackageCycles;

class PackageCyclesTest {

    @Test
    void noPackageImportsAPackageThatImportsItBack() {
        PackageCycles.assertNoneIn("io.nais.pg.dbagrant");
    }
}
