package io.nais.pg.backup.config;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class RunModeTest {

    private static final Optional<List<String>> RECIPIENTS = Optional.of(List.of("age1example"));
    private static final Optional<Path> IDENTITY = Optional.of(Path.of("/var/run/secrets/age/identity.txt"));

    @Test
    void backupModeRefusesToStartWithTheAgeIdentity() {
        assertThatThrownBy(() -> RunMode.BACKUP.checkKeys(RECIPIENTS, IDENTITY))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("must not hold the age identity");
    }

    @Test
    void backupModeNeedsRecipientsOnly() {
        assertThatCode(() -> RunMode.BACKUP.checkKeys(RECIPIENTS, Optional.empty())).doesNotThrowAnyException();
        assertThatThrownBy(() -> RunMode.BACKUP.checkKeys(Optional.empty(), Optional.empty()))
                .hasMessageContaining("recipients");
    }

    @Test
    void verifyModeNeedsTheIdentityAndNoRecipients() {
        assertThatCode(() -> RunMode.VERIFY.checkKeys(Optional.empty(), IDENTITY)).doesNotThrowAnyException();
        assertThatThrownBy(() -> RunMode.VERIFY.checkKeys(RECIPIENTS, Optional.empty()))
                .hasMessageContaining("identity-file");
    }
}
