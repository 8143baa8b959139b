package io.nais.pg.kit.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;

import org.junit.jupiter.api.Test;

class PhaseTimingsTest {

    @Test
    void eachStepIsAPhaseOfTheLineInTheOrderItRan() {
        PhaseTimings timings = new PhaseTimings();

        int planned = timings.time("plan", () -> 42);
        timings.run("announce", () -> { });

        assertThat(planned).isEqualTo(42);
        assertThat(timings.toString()).matches("plan=\\d+\\.\\dms announce=\\d+\\.\\dms total=\\d+\\.\\dms");
    }

    @Test
    void aStepThatFailsPassesItsCheckedExceptionOnAndIsStillRecorded() {
        PhaseTimings timings = new PhaseTimings();

        assertThatThrownBy(() -> timings.time("cluster", () -> {
            throw new SQLException("cluster down", "08006");
        })).isInstanceOf(SQLException.class);

        assertThat(timings.toString()).startsWith("cluster=");
    }
}
