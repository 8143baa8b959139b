package io.nais.pg.console.api;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

import io.nais.pg.events.BackupCompleted;
import io.nais.pg.events.BackupFailed;
import io.nais.pg.events.BackupStarted;
import io.nais.pg.events.ClusterDiscovered;
import io.nais.pg.events.ClusterUpdated;
import io.nais.pg.events.DbaAccessGranted;
import io.nais.pg.events.DbaAccessRequested;
import io.nais.pg.events.Envelope;
import io.nais.pg.events.GrantRevoked;
import io.nais.pg.events.HumanRoleProvisioned;
import io.nais.pg.events.HumanRoleRemoved;
import io.nais.pg.events.LoginDenied;
import io.nais.pg.events.PlatformEvent;
import io.nais.pg.events.RestoreVerified;
import io.nais.pg.events.SessionOpened;
import io.nais.pg.events.StatementExecuted;
import io.nais.pg.events.TeamMemberAdded;
import io.nais.pg.events.TeamMemberRemoved;
import io.nais.pg.testsupport.Infrastructure;
import io.nais.pg.testsupport.kafka.TestEventBus;

/**
 * A scripted history of one fresh team on the real topics: members (one
 * removed), a cluster discovered then upgraded, access provisioned and
 * removed, an active and a revoked DBA grant, a good and a failed backup, a
 * restore check, a session (delivered twice) with one statement and a refused
 * login.
 */
public final class ScriptedTeam {

    public final String team = "team-" + UUID.randomUUID().toString().substring(0, 8);
    public final String app = "orders";
    public final String cluster = team + "/" + app;
    public final String alice = "alice-" + team + "@example.com";
    public final String bob = "bob-" + team + "@example.com";
    public final String dba = "dba-" + team + "@example.com";
    public final UUID activeGrant = UUID.randomUUID();
    public final UUID revokedGrant = UUID.randomUUID();
    public final UUID goodBackup = UUID.randomUUID();
    public final UUID failedBackup = UUID.randomUUID();
    /** Access, grant and backup-outcome events in the script: the audit lines the team must have. */
    public static final int AUDIT_LINES = 13;
    /** The statement alice ran in her session, as the gateway reports it. */
    public static final String STATEMENT = "select * from orders where id = $1";

    public ScriptedTeam publish(Infrastructure infra) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        try (TestEventBus events = infra.events()) {
            publish(events, new TeamMemberAdded(team, alice));
            publish(events, new TeamMemberAdded(team, bob));
            publish(events, new TeamMemberRemoved(team, bob));
            publish(events, new ClusterDiscovered(cluster, team, app, "orders.team.svc", 5432, "orders", "orders",
                    List.of("public"), "k8s:team/postgres.orders.credentials.postgresql.acid.zalan.do", "15", "Creating"));
            publish(events, new ClusterUpdated(cluster, team, app, "orders.team.svc", 5432, "orders", "orders",
                    List.of("public"), "k8s:team/postgres.orders.credentials.postgresql.acid.zalan.do", "16", "Running"));
            publish(events, new HumanRoleProvisioned(cluster, team, alice, alice, false));
            publish(events, new HumanRoleProvisioned(cluster, team, bob, bob, false));
            publish(events, new HumanRoleRemoved(cluster, team, bob, bob, HumanRoleRemoved.Outcome.DROPPED, null));
            publish(events, new DbaAccessRequested(activeGrant, cluster, team, dba, "vacuum full", Duration.ofHours(2)));
            publish(events, new DbaAccessGranted(activeGrant, cluster, team, dba, alice, now, now.plus(Duration.ofHours(2))));
            publish(events, new DbaAccessGranted(revokedGrant, cluster, team, dba, alice, now, now.plus(Duration.ofHours(1))));
            publish(events, new GrantRevoked(revokedGrant, cluster, team, dba, alice, "done early"));
            publish(events, new BackupStarted(goodBackup, cluster, now.minusSeconds(60)));
            publish(events, new BackupCompleted(goodBackup, cluster, team + "/orders/1.dump.age", 4096, "a".repeat(64),
                    Duration.ofSeconds(3), "16"));
            publish(events, new BackupFailed(failedBackup, cluster, "cluster unreachable"));
            publish(events, new RestoreVerified(goodBackup, cluster, true, 2, 10, Duration.ofSeconds(2), null));
            Envelope<SessionOpened> session = Envelope.of("test", new SessionOpened(cluster, UUID.randomUUID(), alice,
                    "127.0.0.1", now, null, SessionOpened.Level.READ));
            events.publish(session);
            events.publish(session); // redelivered: must not count twice
            publish(events, new StatementExecuted(cluster, session.data().sessionId(), alice, STATEMENT, false, 1, now));
            publish(events, new LoginDenied(cluster, "mallory@example.com", "10.0.0.9", "not a member", "28000"));
        }
        return this;
    }

    private static void publish(TestEventBus events, PlatformEvent event) {
        events.publish(Envelope.of("test", event));
    }
}
