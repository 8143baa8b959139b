package io.nais.pg.kit.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
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
    void anEventThatIsNotAboutMembershipIsRefusedAsInvalid() {
        Envelope<ClusterRemoved> notMembership = at(T0, new ClusterRemoved(team + "/app", team, "app"));

        assertThatThrownBy(() -> members.apply(notMembership))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("not a team membership event");
    }

    private static <E extends PlatformEvent> Envelope<E> at(Instant time, E data) {
        UUID id = UUID.randomUUID();
        return new Envelope<>(new EventMetadata(id, time, "kit-test", id.toString()), data);
    }
}
