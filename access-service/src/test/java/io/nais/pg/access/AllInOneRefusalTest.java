package io.nais.pg.access;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.runtime.LaunchMode;
import org.junit.jupiter.api.Test;

/**
 * Which mode may run where; the packaged run's refusal itself is proven with the built service
 * (deploy: DeploymentConformanceTest#accessServiceRefusesModeAllInAPackagedRun).
 */
class AllInOneRefusalTest {

    @Test
    void modeAllIsRefusedOnlyInAPackagedRun() {
        assertThatThrownBy(() -> AllInOneRefusal.refuse(AccessMode.ALL, LaunchMode.NORMAL))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("nais.access.mode=all");
        assertThatCode(() -> AllInOneRefusal.refuse(AccessMode.ALL, LaunchMode.TEST)).doesNotThrowAnyException();
        assertThatCode(() -> AllInOneRefusal.refuse(AccessMode.ALL, LaunchMode.DEVELOPMENT)).doesNotThrowAnyException();
        for (AccessMode split : new AccessMode[] {AccessMode.GATEWAY, AccessMode.PROVISIONING}) {
            assertThatCode(() -> AllInOneRefusal.refuse(split, LaunchMode.NORMAL)).doesNotThrowAnyException();
        }
    }
}
