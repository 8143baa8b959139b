package io.nais.pg.kit.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.nais.pg.events.ClusterRemoved;
import io.nais.pg.events.Envelope;
import io.nais.pg.events.EventMetadata;
import io.nais.pg.events.InvalidEventException;
import io.nais.pg.events.PlatformEvent;
import io.nais.pg.events.TeamMemberAdded;
import io.nais.pg.events.TeamMemberRemoved;
import io.nais.pg.testsupport.RealInfrastructure;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@RealInfrastructure(kafka = true, postgres = true)
class MembershipProjectionTest {

    private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");

    @Inject
    DataSource dataSource;

    private MembershipProjection members;
    private String team;

    @BeforeEach
    void freshTeam() {
        members = new MembershipProjection(dataSource, "kit_team_member");
        team = "team-" + UUID.randomUUID();
    }

    @Test
    void anAddedPersonIsAMemberOfThatTeamOnly() {
        members.apply(at(T0, new TeamMemberAdded(team, "ada@example.com")));

        assertThat(members.isMember(team, "ada@example.com")).isTrue();
        assertThat(members.isMember("other-" + team, "ada@example.com")).isFalse();
        assertThat(members.isMember(team, "bob@example.com")).isFalse();
    }

    @Test
    void aLateOlderRemovalDoesNotUndoANewerAddition() {
        members.apply(at(T0.plusSeconds(10), new TeamMemberAdded(team, "ada@example.com")));
        members.apply(at(T0, new TeamMemberRemoved(team, "ada@example.com")));

        assertThat(members.isMember(team, "ada@example.com")).isTrue();
    }

    @Test
    void aNewerRemovalEndsMembershipAndAReplayOfTheAdditionChangesNothing() {
        Envelope<TeamMemberAdded> added = at(T0, new TeamMemberAdded(team, "ada@example.com"));
        members.apply(added);
        members.apply(at(T0.plusSeconds(1), new TeamMemberRemoved(team, "ada@example.com")));
        members.apply(added);

        assertThat(members.isMember(team, "ada@example.com")).isFalse();
    }

    @Test
    void emailsDifferingOnlyInCaseAreOnePerson() {
        members.apply(at(T0, new TeamMemberAdded(team, "Ada.Lovelace@Example.com")));
        assertThat(members.isMember(team, "ada.lovelace@example.COM")).isTrue();

        members.apply(at(T0.plusSeconds(1), new TeamMemberRemoved(team, "ada.lovelace@example.com")));
        assertThat(members.isMember(team, "Ada.Lovelace@Example.com")).isFalse();
    }

    @Test
    void theEventIdBreaksATieOfEnvelopeTimes() {
        UUID low = new UUID(0, 1);
        UUID high = new UUID(0, 2);
        members.apply(at(T0, high, new TeamMemberRemoved(team, "ada@example.com")));
        members.apply(at(T0, low, new TeamMemberAdded(team, "ada@example.com")));

        assertThat(members.isMember(team, "ada@example.com")).isFalse();
    }

    @Test
    void aBatchEndsAtEachPersonsNewestFactAndReportsOnlyWhatChanged() {
        members.apply(at(T0.plusSeconds(5), new TeamMemberAdded(team, "bob@example.com")));

        List<MembershipProjection.Change> changes = members.applyAll(List.of(
                fact(at(T0.plusSeconds(1), new TeamMemberAdded(team, "Ada@example.com"))),
                fact(at(T0.plusSeconds(2), new TeamMemberRemoved(team, "ada@example.com"))),
                fact(at(T0, new TeamMemberRemoved(team, "bob@example.com")))));

        assertThat(changes).containsExactly(new MembershipProjection.Change(team, "ada@example.com", false));
        assertThat(members.members(team)).containsExactly("bob@example.com");
        assertThat(members.teamsOf("BOB@example.com")).containsExactly(team);
    }

    @Test
    void anEventThatIsNotAboutMembershipIsRefusedAsInvalid() {
        Envelope<ClusterRemoved> notMembership = at(T0, new ClusterRemoved(team + "/app", team, "app"));

        assertThatThrownBy(() -> members.apply(notMembership))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("not a team membership event");
    }

    private static <E extends PlatformEvent> Envelope<E> at(Instant time, E data) {
        return at(time, UUID.randomUUID(), data);
    }

    private static <E extends PlatformEvent> Envelope<E> at(Instant time, UUID id, E data) {
        return new Envelope<>(new EventMetadata(id, time, "kit-test", id.toString()), data);
    }

    private static MembershipProjection.Fact fact(Envelope<?> envelope) {
        return MembershipProjection.fact(envelope);
    }
}
