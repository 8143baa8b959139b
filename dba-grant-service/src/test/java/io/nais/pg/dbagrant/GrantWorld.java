package io.nais.pg.dbagrant;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import io.nais.pg.dbagrant.projection.TeamDirectory;
import io.nais.pg.events.ClusterDiscovered;
import io.nais.pg.events.Envelope;
import io.nais.pg.events.TeamMemberAdded;
import io.nais.pg.kit.membership.MembershipProjection;
import io.nais.pg.testsupport.Infrastructure;
import io.nais.pg.testsupport.kafka.TestEventBus;

/**
 * A fresh team with one cluster, a team lead (member), a DBA (not a member)
 * and an outsider, announced on the real topics and awaited in the service's
 * projections. Tokens are signed by the real test issuer.
 */
public final class GrantWorld {

    public final String team = "team-" + UUID.randomUUID().toString().substring(0, 8);
    public final String clusterId = team + "/app";
    public final String lead = "lead-" + team + "@example.com";
    public final String dba = "dba-" + team + "@example.com";
    public final String outsider = "outsider-" + team + "@example.com";
    private final Infrastructure infra;

    private GrantWorld(Infrastructure infra) {
        this.infra = infra;
    }

    public static GrantWorld create(Infrastructure infra, TeamDirectory directory, MembershipProjection members) {
        GrantWorld world = new GrantWorld(infra);
        try (TestEventBus events = infra.events()) {
            events.publish(Envelope.of("test", new ClusterDiscovered(world.clusterId, world.team, "app", "127.0.0.1",
                    5432, "app", "app", List.of("public"), "file:/nonexistent/admin.properties", "15", null)));
            events.publish(Envelope.of("test", new TeamMemberAdded(world.team, world.lead)));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> directory.teamOf(world.clusterId).isPresent()
                && members.isMember(world.team, world.lead));
        return world;
    }

    public String dbaToken() {
        return token(dba, "dba");
    }

    public String leadToken() {
        return token(lead);
    }

    public String outsiderToken() {
        return token(outsider, "dba");
    }

    public String token(String email, String... groups) {
        return infra.oidc().token().subject(email).email(email).groups(groups).sign();
    }
}
