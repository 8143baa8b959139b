package io.nais.pg.console.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.UUID;

import org.junit.jupiter.api.Test;

/** The chain's arithmetic, without a database. */
class AuditChainTest {

    private static final UUID EVENT = UUID.fromString("0b3e5d6a-1f2c-4e8d-9b7a-3c4d5e6f7a8b");

    private static AuditEntry line(String person, String detail) {
        return new AuditEntry(7L, Instant.parse("2026-11-24T10:00:00.123456Z"), "team-a", "team-a/app", person,
                "SessionOpened", detail, null, null, null, null, null);
    }

    @Test
    void theSameRowAfterTheSamePreviousHashesAlike() {
        String once = AuditChain.hash("team-a/app", 1, EVENT, line("a@example.com", "x"), AuditChain.GENESIS);
        String again = AuditChain.hash("team-a/app", 1, EVENT, line("a@example.com", "x"), AuditChain.GENESIS);

        assertThat(once).isEqualTo(again).hasSize(64).matches("[0-9a-f]{64}");
    }

    @Test
    void anyChangeToContentPlaceOrPreviousChangesTheHash() {
        String base = AuditChain.hash("team-a/app", 1, EVENT, line("a@example.com", "x"), AuditChain.GENESIS);

        assertThat(AuditChain.hash("team-a/app", 1, EVENT, line("b@example.com", "x"), AuditChain.GENESIS)).isNotEqualTo(base);
        assertThat(AuditChain.hash("team-a/app", 2, EVENT, line("a@example.com", "x"), AuditChain.GENESIS)).isNotEqualTo(base);
        assertThat(AuditChain.hash("team-a/app", 1, EVENT, line("a@example.com", "x"), "1".repeat(64))).isNotEqualTo(base);
        assertThat(AuditChain.hash("team-b/app", 1, EVENT, line("a@example.com", "x"), AuditChain.GENESIS)).isNotEqualTo(base);
    }

    @Test
    void fieldBoundariesCannotBeShiftedBetweenFields() {
        // "ab" + "c" and "a" + "bc" would collide under plain concatenation; length prefixes keep them apart.
        String one = AuditChain.hash("c", 1, EVENT, line("ab", "c"), AuditChain.GENESIS);
        String two = AuditChain.hash("c", 1, EVENT, line("a", "bc"), AuditChain.GENESIS);

        assertThat(one).isNotEqualTo(two);
    }

    @Test
    void aNullFieldDiffersFromAnEmptyOne() {
        assertThat(AuditChain.hash("c", 1, EVENT, line("a", null), AuditChain.GENESIS))
                .isNotEqualTo(AuditChain.hash("c", 1, EVENT, line("a", ""), AuditChain.GENESIS));
    }

    @Test
    void aCursorSurvivesItsRoundTripAndGarbageIsRefused() {
        AuditCursor cursor = new AuditCursor(Instant.parse("2026-11-24T10:00:00.123456Z"), 42);

        assertThat(AuditCursor.decode(cursor.encode())).isEqualTo(cursor);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> AuditCursor.decode("not-a-cursor"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
