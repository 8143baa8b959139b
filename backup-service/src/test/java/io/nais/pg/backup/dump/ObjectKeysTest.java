package io.nais.pg.backup.dump;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.UUID;

import org.junit.jupiter.api.Test;

class ObjectKeysTest {

    @Test
    void aDumpKeyGivesBackTheSecondItsBackupStarted() {
        Instant startedAt = Instant.parse("2026-11-22T01:17:42.123Z");

        String key = ObjectKeys.dumpKey("prod/", "team-a/orders", startedAt, UUID.randomUUID());

        assertThat(ObjectKeys.startedAt(key)).contains(Instant.parse("2026-11-22T01:17:42Z"));
    }

    @Test
    void aKeyThatIsNotOneOfOurDumpsHasNoStartStamp() {
        assertThat(ObjectKeys.startedAt("team-a/orders/notes.txt")).isEmpty();
        assertThat(ObjectKeys.startedAt("team-a/orders/20261122T011742Z-x.manifest.json")).isEmpty();
        assertThat(ObjectKeys.startedAt("team-a/orders/yesterday-x.dump.age")).isEmpty();
    }
}
