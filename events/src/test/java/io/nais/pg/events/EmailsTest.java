package io.nais.pg.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;

import org.junit.jupiter.api.Test;

class EmailsTest {

    @Test
    void oneSpellingWhateverTheCaseAndSurroundingSpace() {
        assertThat(Emails.normalise("  Ada.Lovelace@Example.COM ")).isEqualTo("ada.lovelace@example.com");
    }

    @Test
    void theJvmLocaleNeverChangesTheSpelling() {
        Locale before = Locale.getDefault();
        try {
            Locale.setDefault(Locale.forLanguageTag("tr"));
            assertThat(Emails.normalise("IDA@EXAMPLE.COM")).isEqualTo("ida@example.com");
        } finally {
            Locale.setDefault(before);
        }
    }

    @Test
    void everyEventCarryingAnEmailNormalisesIt() {
        assertThat(new TeamMemberAdded("team-a", "Me@Example.com").email()).isEqualTo("me@example.com");
        assertThat(new TeamMemberRemoved("team-a", "ME@EXAMPLE.COM ").email()).isEqualTo("me@example.com");
        assertThat(new HumanRoleRefused("team-a/app", "team-a", "Me@Example.com", "r", "d").email())
                .isEqualTo("me@example.com");
    }

    @Test
    void roleNamesHoldSixtyThreeUtf8Bytes() {
        String local = "a".repeat(63 - "@example.com".length());
        assertThat(Emails.fitsRoleName(local + "@example.com")).isTrue();
        assertThat(Emails.fitsRoleName(local + "b@example.com")).isFalse();
        // 'ø' is two bytes in UTF-8: 62 characters, 63 bytes fit; one more 'ø' does not
        assertThat(Emails.fitsRoleName("ø" + "a".repeat(49) + "@example.com")).isTrue();
        assertThat(Emails.fitsRoleName("øø" + "a".repeat(48) + "@example.com")).isFalse();
    }
}
