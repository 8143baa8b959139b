package io.nais.pg.testsupport.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ChildJvmTuningTest {

    @AfterEach
    void restoreDefault() {
        System.clearProperty(ChildJvm.TUNING_PROPERTY);
    }

    @Test
    void childrenStartFastByDefault() {
        assertThat(ChildJvm.tuning()).contains("-XX:TieredStopAtLevel=1");
    }

    @Test
    void benchmarksGetTheFullJit() {
        System.setProperty(ChildJvm.TUNING_PROPERTY, "throughput");

        assertThat(ChildJvm.tuning()).noneMatch(option -> option.startsWith("-XX:TieredStopAtLevel"));
    }

    @Test
    void anUnknownTuningIsRefusedByName() {
        System.setProperty(ChildJvm.TUNING_PROPERTY, "turbo");

        assertThatThrownBy(ChildJvm::tuning).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("turbo");
    }
}
