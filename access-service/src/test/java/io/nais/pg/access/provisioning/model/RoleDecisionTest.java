package io.nais.pg.access.provisioning.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.nais.pg.access.AccessLevel;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class RoleDecisionTest {

    private static final Map<String, String> GUARDS = Map.of("statement_timeout", "5min");
    private static final HumanRoleSpec WANTED = new HumanRoleSpec("ada@example.com", GUARDS);

    private static final List<String> WRITE = List.of("nais_human_write");

    private static ActualHumanRole conforming() {
        return new ActualHumanRole("ada@example.com", true, true, true, false, false, true, WRITE, GUARDS);
    }

    @Test
    void absentWantedRoleIsCreated() {
        assertThat(RoleDecision.decide(WANTED, null)).isEqualTo(RoleAction.CREATE);
    }

    @Test
    void conformingRoleIsLeftAlone() {
        assertThat(RoleDecision.decide(WANTED, conforming())).isEqualTo(RoleAction.NOOP);
    }

    @Test
    void everyKindOfDriftIsPatched() {
        List<ActualHumanRole> drifted = List.of(
                new ActualHumanRole("ada@example.com", true, false, true, false, false, true, WRITE, GUARDS),
                new ActualHumanRole("ada@example.com", true, true, false, false, false, true, WRITE, GUARDS),
                new ActualHumanRole("ada@example.com", true, true, true, true, false, true, WRITE, GUARDS),
                new ActualHumanRole("ada@example.com", true, true, true, false, true, true, WRITE, GUARDS),
                new ActualHumanRole("ada@example.com", true, true, true, false, false, false, WRITE, GUARDS),
                new ActualHumanRole("ada@example.com", true, true, true, false, false, true, List.of("app_owner", "nais_human_write"), GUARDS),
                new ActualHumanRole("ada@example.com", true, true, true, false, false, true, WRITE,
                        Map.of("statement_timeout", "0")));
        assertThat(drifted).allSatisfy(actual -> assertThat(RoleDecision.decide(WANTED, actual))
                .isEqualTo(RoleAction.PATCH));
    }

    @Test
    void aRoleWithoutItsLevelGroupOrWithTheOtherOneIsPatched() {
        HumanRoleSpec readOnly = new HumanRoleSpec("ada@example.com/ro", GUARDS, false, AccessLevel.READ);
        List<ActualHumanRole> wrongLevel = List.of(
                // a cluster provisioned before access levels: in nais_human only
                new ActualHumanRole("ada@example.com", true, true, true, false, false, true, List.of(), GUARDS),
                new ActualHumanRole("ada@example.com", true, true, true, false, false, true,
                        List.of("nais_human_read"), GUARDS));
        assertThat(wrongLevel).allSatisfy(actual -> assertThat(RoleDecision.decide(WANTED, actual))
                .isEqualTo(RoleAction.PATCH));
        // a read-only role that somebody put in the write group too loses it
        ActualHumanRole writesToo = new ActualHumanRole("ada@example.com/ro", true, true, true, false, false, true,
                List.of("nais_human_read", "nais_human_write"), GUARDS);
        assertThat(RoleDecision.decide(readOnly, writesToo)).isEqualTo(RoleAction.PATCH);
        assertThat(RoleDecision.decide(readOnly, new ActualHumanRole("ada@example.com/ro", true, true, true, false,
                false, true, List.of("nais_human_read"), GUARDS))).isEqualTo(RoleAction.NOOP);
    }

    @Test
    void unwantedManagedRoleIsRemoved() {
        assertThat(RoleDecision.decide(null, conforming())).isEqualTo(RoleAction.REMOVE);
    }

    @Test
    void unwantedAbsentRoleNeedsNothing() {
        assertThat(RoleDecision.decide(null, null)).isEqualTo(RoleAction.NOOP);
    }

    @Test
    void deactivatedRoleIsOnlyRetriedQuietly() {
        ActualHumanRole deactivated = new ActualHumanRole("ada@example.com", true, false, true, false, false, false,
                List.of(), GUARDS);
        assertThat(RoleDecision.decide(null, deactivated)).isEqualTo(RoleAction.RETRY_DROP);
    }

    @Test
    void unmanagedRoleIsNeverTouchedWhateverIsDesired() {
        ActualHumanRole foreign = new ActualHumanRole("ada@example.com", false, true, true, true, true, false,
                List.of(), Map.of());
        assertThat(RoleDecision.decide(WANTED, foreign)).isEqualTo(RoleAction.LEAVE_UNMANAGED);
        assertThat(RoleDecision.decide(null, foreign)).isEqualTo(RoleAction.LEAVE_UNMANAGED);
    }

    @Test
    void settingsAreParsedFromSetconfigAtTheFirstEqualsSign() {
        assertThat(ActualHumanRole.parseSettings(new String[] {"statement_timeout=5min", "search_path=a=b"}))
                .containsEntry("statement_timeout", "5min").containsEntry("search_path", "a=b");
    }

    @Test
    void backoffDoublesUpToTheCapWithJitterBetweenHalfAndFull() {
        Backoff backoff = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(60));
        assertThat(backoff.delay(1, () -> 1.0)).isEqualTo(Duration.ofMillis(500));
        assertThat(backoff.delay(3, () -> 1.0)).isEqualTo(Duration.ofMillis(2000));
        assertThat(backoff.delay(3, () -> 0.0)).isEqualTo(Duration.ofMillis(1000));
        assertThat(backoff.delay(40, () -> 1.0)).isEqualTo(Duration.ofSeconds(60));
    }
}
