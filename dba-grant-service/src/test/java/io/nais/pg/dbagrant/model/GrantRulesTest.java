package io.nais.pg.dbagrant.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

class GrantRulesTest {

    private final GrantRules rules = new GrantRules("dba", Duration.ofHours(4), Duration.ofHours(1));
    private final Instant t0 = Instant.parse("2026-11-24T10:00:00Z");

    @Test
    void requestWithinEveryLimitPasses() {
        assertThatCode(() -> rules.checkRequest("dba@example.com", List.of("dba"), "migrate the index", Duration.ofHours(4)))
                .doesNotThrowAnyException();
    }

    @Test
    void requesterWithoutTheDbaGroupIsRefused() {
        assertRefused(() -> rules.checkRequest("dev@example.com", List.of("developers"), "migrate the index",
                Duration.ofHours(1)), Refusal.Kind.FORBIDDEN, "not-dba");
    }

    @Test
    void reasonShorterThanTenCharactersIsRefusedEvenIfPaddedWithSpaces() {
        assertRefused(() -> rules.checkRequest("dba@example.com", List.of("dba"), "   fix it      ", Duration.ofHours(1)),
                Refusal.Kind.INVALID, "reason-too-short");
    }

    @Test
    void durationAboveTheMaximumIsRefused() {
        assertRefused(() -> rules.checkRequest("dba@example.com", List.of("dba"), "migrate the index",
                Duration.ofHours(4).plusSeconds(1)), Refusal.Kind.INVALID, "duration-too-long");
    }

    @Test
    void requesterCannotDecideTheirOwnRequestWhateverTheEmailCase() {
        assertRefused(() -> rules.checkDecision(pending(), "DBA@example.com", true, t0), Refusal.Kind.FORBIDDEN,
                "self-approval");
    }

    @Test
    void nonMemberCannotDecide() {
        assertRefused(() -> rules.checkDecision(pending(), "other@example.com", false, t0), Refusal.Kind.FORBIDDEN,
                "not-team-member");
    }

    @Test
    void requestOlderThanThePendingTtlCannotBeDecided() {
        assertThatCode(() -> rules.checkDecision(pending(), "lead@example.com", true, t0.plus(Duration.ofMinutes(59))))
                .doesNotThrowAnyException();
        assertRefused(() -> rules.checkDecision(pending(), "lead@example.com", true, t0.plus(Duration.ofHours(1))),
                Refusal.Kind.CONFLICT, "request-expired");
    }

    @Test
    void decidedRequestCannotBeDecidedAgain() {
        Grant denied = withState(GrantState.DENIED);
        assertRefused(() -> rules.checkDecision(denied, "lead@example.com", true, t0), Refusal.Kind.CONFLICT,
                "already-decided");
    }

    @Test
    void onlyAnActiveGrantCanBeRevokedAndOnlyByRequesterOrMember() {
        Grant granted = withState(GrantState.GRANTED);
        assertThatCode(() -> rules.checkRevoke(granted, "dba@example.com", false)).doesNotThrowAnyException();
        assertRefused(() -> rules.checkRevoke(granted, "stranger@example.com", false), Refusal.Kind.FORBIDDEN,
                "not-team-member");
        assertRefused(() -> rules.checkRevoke(pending(), "lead@example.com", true), Refusal.Kind.CONFLICT, "not-active");
    }

    @Test
    void durationsReadAsPeopleWriteThem() {
        assertThat(DurationText.parse("2h")).isEqualTo(Duration.ofHours(2));
        assertThat(DurationText.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(DurationText.parse("45s")).isEqualTo(Duration.ofSeconds(45));
        assertThat(DurationText.parse("PT2H")).isEqualTo(Duration.ofHours(2));
        assertRefused(() -> DurationText.parse("two hours"), Refusal.Kind.INVALID, "duration-format");
        assertRefused(() -> DurationText.parse(""), Refusal.Kind.INVALID, "duration-format");
    }

    private Grant pending() {
        return withState(GrantState.REQUESTED);
    }

    private Grant withState(GrantState state) {
        return new Grant(UUID.randomUUID(), "team-a/app", "team-a", "dba@example.com", "migrate the index",
                Duration.ofHours(1), state, null, t0, null, null);
    }

    private static void assertRefused(Runnable call, Refusal.Kind kind, String rule) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(Refusal.class, r -> {
            assertThat(r.kind()).isEqualTo(kind);
            assertThat(r.rule()).isEqualTo(rule);
        });
    }
}
