package io.nais.pg.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/** {@code bin/local-platform token <email> --lifetime <d>}: what it accepts, and a clear refusal for the rest. */
class TokenLifetimeTest {

    @Test
    void takesSecondsMinutesAndHoursInEitherCase() {
        assertThat(Commands.lifetime("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Commands.lifetime("30m")).isEqualTo(Duration.ofMinutes(30));
        assertThat(Commands.lifetime("1H")).isEqualTo(Duration.ofHours(1));
        assertThat(Commands.lifetime("1h30m")).isEqualTo(Duration.ofMinutes(90));
    }

    @Test
    void refusesWhatIsNoPositiveDuration() {
        assertThatThrownBy(() -> Commands.lifetime("0s")).isInstanceOf(LocalPlatform.UsageException.class)
                .hasMessageContaining("positive");
        assertThatThrownBy(() -> Commands.lifetime("-5m")).isInstanceOf(LocalPlatform.UsageException.class)
                .hasMessageContaining("positive");
        assertThatThrownBy(() -> Commands.lifetime("an hour")).isInstanceOf(LocalPlatform.UsageException.class)
                .hasMessageContaining("not an hour");
    }
}
