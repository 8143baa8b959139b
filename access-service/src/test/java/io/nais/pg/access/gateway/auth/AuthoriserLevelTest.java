package io.nais.pg.access.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nais.pg.access.AccessLevel;
import io.nais.pg.access.directory.AccessDirectory;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The level a login gets, as pure logic over what the directory answers (the directory itself is proven against
 * PostgreSQL in the gateway tests): a read-only ask is never decided write; a team that reads by default gives
 * its members write only on a DBA grant.
 */
class AuthoriserLevelTest {

    private static final Instant NOW = Instant.parse("2026-12-05T03:00:00Z");
    private static final AccessDirectory.ClusterEndpoint WRITING = endpoint("writers");
    private static final AccessDirectory.ClusterEndpoint READING = endpoint("readers");
    private static final String MEMBER = "member@example.com";
    private static final String MEMBER_DBA = "member-dba@example.com";
    private static final String DBA = "dba@example.com";

    private final Authoriser authoriser = new Authoriser(new Directory(), Set.of("readers"));

    @Test
    void aMemberWritesUnlessTheyAskForReadOnly() throws LoginRefused {
        assertThat(level(WRITING, MEMBER, false)).isEqualTo(AccessLevel.WRITE);
        assertThat(level(WRITING, MEMBER, true)).isEqualTo(AccessLevel.READ);
    }

    @Test
    void aTeamThatReadsByDefaultGivesItsMembersReadOnlyUnlessOnADbaGrant() throws LoginRefused {
        assertThat(level(READING, MEMBER, false)).isEqualTo(AccessLevel.READ);
        Authoriser.Decision onGrant = authoriser.authorise(READING, MEMBER_DBA, false, NOW);
        assertThat(onGrant.level()).isEqualTo(AccessLevel.WRITE);
        assertThat(onGrant.grantId()).isEqualTo("grant-" + MEMBER_DBA);
    }

    @Test
    void askingForReadOnlyIsNeverDecidedWrite() throws LoginRefused {
        for (AccessDirectory.ClusterEndpoint cluster : new AccessDirectory.ClusterEndpoint[] {WRITING, READING}) {
            for (String person : new String[] {MEMBER, MEMBER_DBA, DBA}) {
                assertThat(level(cluster, person, true)).as("%s on %s", person, cluster.team())
                        .isEqualTo(AccessLevel.READ);
            }
        }
    }

    @Test
    void aDbaWhoIsNoMemberWritesOnTheGrantAndNobodyElseGetsIn() throws LoginRefused {
        assertThat(level(READING, DBA, false)).isEqualTo(AccessLevel.WRITE);
        assertThatThrownBy(() -> authoriser.authorise(READING, "stranger@example.com", true, NOW))
                .isInstanceOf(LoginRefused.class)
                .extracting(e -> ((LoginRefused) e).sqlState()).isEqualTo("28000");
    }

    @Test
    void theStartupUserNamesThePersonAndTheLevel() {
        assertThat(AccessLevel.asksReadOnly("ada@example.com/ro")).isTrue();
        assertThat(AccessLevel.person("ada@example.com/ro")).isEqualTo("ada@example.com");
        assertThat(AccessLevel.asksReadOnly("ada@example.com")).isFalse();
        assertThat(AccessLevel.person("ada@example.com")).isEqualTo("ada@example.com");
        assertThat(AccessLevel.asksReadOnly("ada@example.com/RO")).as("exactly /ro").isFalse();
        assertThat(AccessLevel.READ.roleName("ada@example.com")).isEqualTo("ada@example.com/ro");
        assertThat(AccessLevel.WRITE.roleName("ada@example.com")).isEqualTo("ada@example.com");
    }

    private AccessLevel level(AccessDirectory.ClusterEndpoint cluster, String person, boolean readOnlyAsked)
            throws LoginRefused {
        return authoriser.authorise(cluster, person, readOnlyAsked, NOW).level();
    }

    private static AccessDirectory.ClusterEndpoint endpoint(String team) {
        return new AccessDirectory.ClusterEndpoint(team + "/app", team, "app", "localhost", 5432, "app");
    }

    /** What the directory answers: members of both teams, and grants on both clusters. */
    private static final class Directory implements AccessDirectory {

        private static final Map<String, Set<String>> MEMBERS = Map.of(
                "writers", Set.of(MEMBER, MEMBER_DBA), "readers", Set.of(MEMBER, MEMBER_DBA));
        private static final Set<String> GRANTEES = Set.of(MEMBER_DBA, DBA);

        @Override
        public Optional<ClusterEndpoint> cluster(String clusterId) {
            return Optional.empty();
        }

        @Override
        public boolean isMember(String team, String email) {
            return MEMBERS.getOrDefault(team, Set.of()).contains(email);
        }

        @Override
        public Optional<ActiveGrant> activeDbaGrant(String clusterId, String email, Instant now) {
            return GRANTEES.contains(email) ? Optional.of(new ActiveGrant("grant-" + email, now.plusSeconds(60)))
                    : Optional.empty();
        }
    }
}
