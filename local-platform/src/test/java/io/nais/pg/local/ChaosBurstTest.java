package io.nais.pg.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nais.pg.events.AccessRevoked;
import io.nais.pg.events.DbaAccessGranted;
import io.nais.pg.events.DbaAccessRequested;
import io.nais.pg.events.Envelope;
import io.nais.pg.events.EventTopic;
import io.nais.pg.events.GrantExpired;
import io.nais.pg.events.GrantRevoked;
import io.nais.pg.events.HumanRoleProvisioned;
import io.nais.pg.events.HumanRoleRemoved;
import io.nais.pg.events.PlatformEvent;
import io.nais.pg.events.TeamMemberAdded;
import io.nais.pg.events.TeamMemberRemoved;
import io.nais.pg.testsupport.kafka.TestEventBus;
import io.nais.pg.testsupport.oidc.OidcIssuer;
import io.nais.pg.testsupport.process.ProcessLaunch;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Chaos in a burst (issue 23): on {@code bin/local-platform up --replicas 2 --brokers 3}, while membership events
 * (adds and removes over both demo teams) and DBA grants (requested and approved through the dba-grant REST API,
 * with short durations) flow, one replica of every service and one broker get {@code kill -9} and are started
 * again. Afterwards every cluster holds exactly the desired roles, every grant ended within the failover bound,
 * and, counted by event id across the topics and console-sync's audit store, no effect was lost and none happened
 * twice; each cluster's audit chain verifies (console-sync's {@code GET /api/audit/verify}).
 *
 * <p>Sizes are system properties ({@code nais.chaos.membership-events}, {@code nais.chaos.grants}), the issue's
 * 2,000 and 200 by default. Run by {@code bench/chaos.sh}; out of verify (minutes on 2 cores, and CI is near
 * its budget).
 */
@EnabledIfSystemProperty(named = "nais.test.faults", matches = "true")
class ChaosBurstTest {

    private static final int MEMBERSHIP_EVENTS = Integer.getInteger("nais.chaos.membership-events", 2000);
    private static final int GRANTS = Integer.getInteger("nais.chaos.grants", 200);
    /** Short, so the grants approved before the kills expire while replicas are dead or starting again. */
    private static final Duration GRANT = Duration.ofSeconds(Long.getLong("nais.chaos.grant-seconds", 30));
    /** Every 5th membership event removes someone added earlier; the rest add new people. */
    private static final int REMOVE_EVERY = 5;
    /** The demo clusters of {@code up}: the membership events and grants alternate between them. */
    private static final Map<String, String> CLUSTER_OF_TEAM = Map.of("team-a", "team-a/demo-app", "team-b", "team-b/other-app");
    private static final List<String> TEAMS = List.of("team-a", "team-b");
    /** One replica of each replicated process (the verifier runs once, as deploy/ runs it: not a replica). */
    private static final List<String> KILLED = List.of("ACCESS_PROVISIONING", "ACCESS_GATEWAY", "DBA_GRANT_SERVICE",
            "BACKUP_SERVICE", "CONSOLE_SYNC_SERVICE");
    /**
     * The platform's promise for a grant's end (deploy/README.md, "Replicas and failover"): a dead consumer's
     * partitions move after {@code session.timeout.ms} (10 s), a dead broker's partitions after its fencing
     * ({@code broker.session.timeout.ms}, 9 s), both deadline timers sweep at least once a second
     * ({@code nais.access.grants.deadline-interval}, {@code nais.dba-grant.expiry.interval}); plus 20 s for a
     * provisioning pass and the outbox relay on a loaded 2-core machine.
     */
    private static final Duration FAILOVER_BOUND = Duration.ofSeconds(10 + 9 + 1 + 20);
    /** Generous bounds for a loaded 2-core machine: every wait polls and ends as soon as its condition holds. */
    private static final Duration EVENTUALLY = Duration.ofMinutes(5);
    private static final Duration START = Duration.ofMinutes(3);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Tells this run's people apart from anything else on the platform's topics. */
    private static final String RUN = UUID.randomUUID().toString().substring(0, 6);

    private static ReplicatedUp up;
    private static Map<String, String> environment;
    private static OidcIssuer issuer;
    private static TestEventBus events;
    private static final Relaunches relaunched = new Relaunches(START);
    /** Both dba-grant-service instances' APIs, as a load balancer knows them. */
    private static List<String> dbaGrantUrls;

    @BeforeAll
    static void platform() throws Exception {
        up = ReplicatedUp.start("chaos-burst", Map.of());
        environment = up.environment();
        issuer = OidcIssuer.attach(Path.of(environment.get("OIDC_STATE_DIR")));
        events = new TestEventBus(environment.get("KAFKA_BOOTSTRAP_SERVERS"));
        dbaGrantUrls = new ArrayList<>();
        for (String pid : pids("DBA_GRANT_SERVICE")) {
            Path directory = ProcessLaunch.of(Long.parseLong(pid)).directory();
            dbaGrantUrls.add("http://127.0.0.1:" + Relaunches.setting(directory, "quarkus.http.port"));
        }
    }

    @AfterAll
    static void down() throws Exception {
        if (events != null) {
            events.close();
        }
        relaunched.close(); // before down: down stops the brokers, and knows nothing of these
        if (up != null) {
            up.down();
        }
    }

    @Test
    void killingOneReplicaOfEveryServiceAndABrokerMidBurstLosesNoEventAndDuplicatesNoEffect() throws Exception {
        Map<String, String> approvers = approverPerTeam();
        Burst burst = Burst.start(approvers);

        burst.awaitHalfway();
        List<Restart> killed = killOneReplicaOfEachServiceAndABroker();
        startAgain(killed);
        burst.awaitDone();

        Desired desired = burst.desired();
        awaitConverged(desired, burst.grants());
        Figures figures = check(desired, burst);
        print(figures, burst, killed);

        assertThat(figures.lost()).as("effects lost").isEmpty();
        assertThat(figures.duplicated()).as("effects that happened twice").isEmpty();
        assertThat(figures.latenessMax()).as("the latest grant's end after its expiresAt").isLessThanOrEqualTo(FAILOVER_BOUND);
        for (String cluster : CLUSTER_OF_TEAM.values()) {
            assertChainVerifies(cluster);
        }
    }

    // --- the burst ------------------------------------------------------------------------------------------

    /** A member per team who approves its grants (dba-grant-service lets a team member approve another's grant). */
    private static Map<String, String> approverPerTeam() throws Exception {
        Map<String, String> approvers = new LinkedHashMap<>();
        for (String team : TEAMS) {
            String approver = "approver-" + team + "-" + RUN + "@example.com";
            publish(new TeamMemberAdded(team, approver));
            approvers.put(team, approver);
        }
        for (String team : TEAMS) {
            awaitTrue(() -> humanRoles(CLUSTER_OF_TEAM.get(team)).containsKey(approvers.get(team)), EVENTUALLY,
                    "the approver of " + team + " is provisioned");
        }
        return approvers;
    }

    /** A DBA grant the burst asked for: its id, its cluster and who holds it. */
    record Grant(UUID id, String clusterId, String requester) {
    }

    /**
     * The work, on a thread of its own: membership events interleaved with grants (as many membership events per
     * grant as the sizes ask), so both flow through the kills. A grant is requested by a DBA (not a member: their
     * role exists only while the grant does) and approved by the team's approver, each call to either
     * dba-grant-service instance, the other when one does not answer (as a load balancer would).
     */
    private static final class Burst {
        private final Map<String, String> approvers;
        private final Random random = new Random(23);
        private final Map<String, List<String>> removable = new HashMap<>();
        /** Per team, each person's last membership event: added (true) or removed. */
        private final Map<String, Map<String, Boolean>> membership = new HashMap<>();
        private final List<Grant> grants = new CopyOnWriteArrayList<>();
        private final AtomicInteger membershipEvents = new AtomicInteger();
        private final CompletableFuture<Void> halfway = new CompletableFuture<>();
        private final Instant began = Instant.now();
        private CompletableFuture<Void> done;
        private Duration elapsed;

        private Burst(Map<String, String> approvers) {
            this.approvers = approvers;
            approvers.forEach((team, approver) -> membership.computeIfAbsent(team, t -> new HashMap<>()).put(approver, true));
        }

        static Burst start(Map<String, String> approvers) {
            Burst burst = new Burst(approvers);
            burst.done = CompletableFuture.runAsync(burst::run);
            return burst;
        }

        private void run() {
            int steps = Math.max(MEMBERSHIP_EVENTS, GRANTS);
            for (int step = 0; step < steps; step++) {
                if (step < MEMBERSHIP_EVENTS) {
                    membershipEvent(step);
                }
                if ((long) step * GRANTS / steps != (long) (step + 1) * GRANTS / steps) {
                    grant(grants.size());
                }
                if (step == steps / 2) {
                    halfway.complete(null);
                }
            }
            elapsed = Duration.between(began, Instant.now());
        }

        /** Adds a new person, or (every 5th) removes one added at least 50 events before, in the step's team. */
        private void membershipEvent(int step) {
            String team = TEAMS.get(step % TEAMS.size());
            List<String> candidates = removable.computeIfAbsent(team, t -> new ArrayList<>());
            boolean remove = step % REMOVE_EVERY == 0 && candidates.size() > 25;
            String person = remove ? candidates.remove(random.nextInt(candidates.size() - 25))
                    : "p" + step + "-" + RUN + "@example.com";
            publish(remove ? new TeamMemberRemoved(team, person) : new TeamMemberAdded(team, person));
            if (!remove) {
                candidates.add(person);
            }
            membership.get(team).put(person, !remove);
            membershipEvents.incrementAndGet();
        }

        private void grant(int number) {
            String team = TEAMS.get(number % TEAMS.size());
            String dba = "dba" + number + "-" + RUN + "@example.com";
            Grant grant = new Grant(request(dba, CLUSTER_OF_TEAM.get(team)), CLUSTER_OF_TEAM.get(team), dba);
            approve(grant, approvers.get(team));
            grants.add(grant);
        }

        void awaitHalfway() throws Exception {
            halfway.get(EVENTUALLY.toSeconds(), TimeUnit.SECONDS);
        }

        void awaitDone() throws Exception {
            done.get(EVENTUALLY.multipliedBy(2).toSeconds(), TimeUnit.SECONDS);
        }

        Desired desired() {
            Map<String, Set<String>> roles = new HashMap<>();
            Set<String> people = new HashSet<>();
            membership.forEach((team, persons) -> persons.forEach((person, member) -> {
                people.add(person);
                if (member) {
                    roles.computeIfAbsent(CLUSTER_OF_TEAM.get(team), c -> new TreeSet<>()).addAll(List.of(person, person + "/ro"));
                }
            }));
            grants.forEach(grant -> people.add(grant.requester()));
            return new Desired(roles, people);
        }

        List<Grant> grants() {
            return grants;
        }

        /** "cluster email" of each person whose last membership event removed them. */
        List<String> removedMembers() {
            List<String> removed = new ArrayList<>();
            membership.forEach((team, persons) -> persons.forEach((person, member) -> {
                if (!member) {
                    removed.add(CLUSTER_OF_TEAM.get(team) + " " + person);
                }
            }));
            return removed;
        }

        int membershipEvents() {
            return membershipEvents.get();
        }

        Duration elapsed() {
            return elapsed;
        }
    }

    /** Every cluster's human roles once the burst has settled (grants all ended), and everyone the burst touched. */
    record Desired(Map<String, Set<String>> roles, Set<String> people) {
        Set<String> of(String clusterId) {
            return roles.getOrDefault(clusterId, Set.of());
        }
    }

    /** As the upstream team directory publishes membership (bin/local-platform add-member does the same). */
    private static void publish(PlatformEvent event) {
        events.publish(Envelope.of(Commands.PRODUCER, event));
    }

    // --- the chaos ------------------------------------------------------------------------------------------

    /** A killed process and how to start it again. */
    record Restart(String process, ProcessLaunch launch) {
        @Override
        public String toString() {
            return process;
        }
    }

    /**
     * kill -9 of the first instance of each replicated process (the one platform.env's URLs name, so clients
     * must fail over) and of the broker leading the dba-grants topic's first partition.
     */
    private static List<Restart> killOneReplicaOfEachServiceAndABroker() throws Exception {
        List<Restart> killed = new ArrayList<>();
        for (String process : KILLED) {
            killed.add(new Restart(process, Relaunches.kill(Long.parseLong(pids(process).get(0)))));
        }
        String bootstrap = environment.get("KAFKA_BOOTSTRAP_SERVERS");
        int leader = Relaunches.leaderOf(bootstrap, EventTopic.DBA_GRANTS.topicName());
        killed.add(new Restart("KAFKA node " + leader, Relaunches.kill(Long.parseLong(pids("KAFKA").get(leader - 1)))));
        return killed;
    }

    /** All at once, as an orchestrator would, while the burst goes on; returns when each is ready again. */
    private static void startAgain(List<Restart> killed) throws Exception {
        Map<Restart, Process> started = new LinkedHashMap<>();
        for (Restart restart : killed) {
            started.put(restart, restart.process().startsWith("KAFKA")
                    ? relaunched.startBroker(restart.launch(), up.state().resolve("broker-restarted.log"))
                    : relaunched.startService(restart.launch()));
        }
        relaunched.awaitBrokers(environment.get("KAFKA_BOOTSTRAP_SERVERS"), pids("KAFKA").size());
        for (Map.Entry<Restart, Process> instance : started.entrySet()) {
            if (!instance.getKey().process().startsWith("KAFKA")) {
                relaunched.awaitReady(instance.getValue(), instance.getKey().launch().directory());
            }
        }
    }

    // --- converge -------------------------------------------------------------------------------------------

    /** Every cluster holds exactly the desired human roles, none a superuser, and every grant has expired. */
    private static void awaitConverged(Desired desired, List<Grant> grants) throws InterruptedException {
        for (String cluster : CLUSTER_OF_TEAM.values()) {
            awaitTrue(() -> humanRoles(cluster).keySet().equals(desired.of(cluster)), EVENTUALLY,
                    () -> cluster + " holds exactly the desired roles; missing "
                            + difference(desired.of(cluster), humanRoles(cluster).keySet()) + ", unwanted "
                            + difference(humanRoles(cluster).keySet(), desired.of(cluster)));
            assertThat(humanRoles(cluster)).as("superusers among the human roles of %s", cluster).doesNotContainValue(true);
        }
        Set<UUID> ids = new HashSet<>(grants.stream().map(Grant::id).toList());
        awaitTrue(() -> expiredGrants(ids) == ids.size(), EVENTUALLY, () -> "every grant has expired: "
                + expiredGrants(ids) + " of " + ids.size());
    }

    private static long expiredGrants(Set<UUID> ids) {
        return events.readAll(EventTopic.DBA_GRANTS).stream()
                .filter(e -> e.data() instanceof GrantExpired expired && ids.contains(expired.grantId()))
                .map(e -> ((GrantExpired) e.data()).grantId()).distinct().count();
    }

    private static Set<String> difference(Set<String> a, Set<String> b) {
        Set<String> rest = new TreeSet<>(a);
        rest.removeAll(b);
        return rest;
    }

    // --- check ----------------------------------------------------------------------------------------------

    /**
     * What the check found, and how much it counted: roles on the clusters, grants, and audited events.
     * {@code resent}: events on a topic more than once with the same id (an outbox relay that died after the send
     * and before marking its row), which the consumers' inboxes drop.
     */
    record Figures(List<String> lost, List<String> duplicated, Duration latenessP50, Duration latenessMax, int resent,
                   int roles, int grants, int auditedEvents) {
    }

    /** The line bench/chaos.sh reports, and each effect lost or duplicated. */
    private static void print(Figures figures, Burst burst, List<Restart> killed) {
        System.out.printf("chaos figures (burst: %d membership events, %d DBA grants; kill -9 of %s): events lost %d,"
                        + " effects duplicated %d, grant expiry lateness p50 %d ms max %d ms (bound %d s), events re-sent"
                        + " with the same id %d; counted %d roles, %d grants, %d audited events; burst %d s%n",
                burst.membershipEvents(), burst.grants().size(), killed, figures.lost().size(), figures.duplicated().size(),
                figures.latenessP50().toMillis(), figures.latenessMax().toMillis(), FAILOVER_BOUND.toSeconds(),
                figures.resent(), figures.roles(), figures.grants(), figures.auditedEvents(), burst.elapsed().toSeconds());
        figures.lost().forEach(lost -> System.out.println("lost: " + lost));
        figures.duplicated().forEach(twice -> System.out.println("duplicated: " + twice));
    }

    /**
     * Counts every effect by event id, from the topics and console-sync's audit store:
     * <ul>
     *   <li>each role of the burst's people on each cluster: present at the end but never announced by a
     *       HumanRoleProvisioned, or gone but never announced by a HumanRoleRemoved, is lost; announced by two
     *       different event ids is duplicated (each person is added at most once and removed at most once, so
     *       each role is made at most once and dropped at most once);</li>
     *   <li>each grant: without its DbaAccessGranted or GrantExpired is lost, with two of either (different ids)
     *       duplicated;</li>
     *   <li>each revocation for the gateways (AccessRevoked) of a removed member or an ended grant whose role
     *       existed: none is lost, two are duplicated;</li>
     *   <li>each role and grant event: no audit row is lost, two rows for one event id are duplicated.</li>
     * </ul>
     * The same event id on a topic twice is the design's at-least-once (the consumers' inboxes drop it), counted
     * as re-sent, not as a duplicate.
     */
    private static Figures check(Desired desired, Burst burst) throws Exception {
        List<String> lost = new ArrayList<>();
        List<String> duplicated = new ArrayList<>();
        Map<UUID, Integer> delivered = new HashMap<>();
        Map<String, Set<UUID>> provisioned = new HashMap<>();
        Map<String, Set<UUID>> removed = new HashMap<>();
        Map<String, Instant> firstRemoval = new HashMap<>();
        Set<UUID> audited = new HashSet<>();
        for (Envelope<?> event : events.readAll(EventTopic.ACCESS)) {
            String role = event.data() instanceof HumanRoleProvisioned p && desired.people().contains(p.email())
                    ? p.clusterId() + " " + p.roleName()
                    : event.data() instanceof HumanRoleRemoved r && desired.people().contains(r.email()) ? r.clusterId() + " " + r.roleName() : null;
            if (role == null) {
                continue;
            }
            delivered.merge(event.metadata().id(), 1, Integer::sum);
            audited.add(event.metadata().id());
            (event.data() instanceof HumanRoleProvisioned ? provisioned : removed).computeIfAbsent(role, r -> new HashSet<>())
                    .add(event.metadata().id());
            if (event.data() instanceof HumanRoleRemoved) {
                firstRemoval.merge(role, event.metadata().time(), (a, b) -> a.isBefore(b) ? a : b);
            }
        }
        Set<String> roles = new TreeSet<>(provisioned.keySet());
        roles.addAll(removed.keySet());
        for (String cluster : CLUSTER_OF_TEAM.values()) {
            desired.of(cluster).forEach(role -> roles.add(cluster + " " + role));
        }
        Set<String> present = new HashSet<>();
        for (String cluster : CLUSTER_OF_TEAM.values()) {
            humanRoles(cluster).keySet().forEach(role -> present.add(cluster + " " + role));
        }
        for (String role : roles) {
            boolean isPresent = present.contains(role);
            int made = provisioned.getOrDefault(role, Set.of()).size();
            int dropped = removed.getOrDefault(role, Set.of()).size();
            if (isPresent ? made == 0 : made > dropped) {
                lost.add((isPresent ? "provisioning" : "removal") + " of " + role + " never announced");
            }
            if (dropped > made) {
                lost.add("provisioning of " + role + " never announced (removed " + dropped + " times)");
            }
            if (made > 1 || dropped > 1) {
                duplicated.add(role + ": provisioned by " + made + " events, removed by " + dropped);
            }
        }

        Map<UUID, Grant> grants = new HashMap<>();
        burst.grants().forEach(grant -> grants.put(grant.id(), grant));
        Map<UUID, Map<Class<?>, Set<UUID>>> grantEvents = new HashMap<>();
        Map<UUID, Instant> expiresAt = new HashMap<>();
        Map<UUID, Instant> expiredAt = new HashMap<>();
        for (Envelope<?> event : events.readAll(EventTopic.DBA_GRANTS)) {
            UUID grant = grantOf(event.data());
            if (grant == null || !grants.containsKey(grant)) {
                continue;
            }
            delivered.merge(event.metadata().id(), 1, Integer::sum);
            audited.add(event.metadata().id());
            grantEvents.computeIfAbsent(grant, g -> new HashMap<>())
                    .computeIfAbsent(event.data().getClass(), t -> new HashSet<>()).add(event.metadata().id());
            if (event.data() instanceof DbaAccessGranted granted) {
                expiresAt.put(grant, granted.expiresAt());
            } else if (event.data() instanceof GrantExpired expired) {
                expiredAt.merge(grant, expired.expiredAt(), (a, b) -> a.isBefore(b) ? a : b);
            }
        }
        List<Duration> lateness = new ArrayList<>();
        for (Grant grant : grants.values()) {
            Map<Class<?>, Set<UUID>> byType = grantEvents.getOrDefault(grant.id(), Map.of());
            for (Class<? extends PlatformEvent> type : List.of(DbaAccessRequested.class, DbaAccessGranted.class, GrantExpired.class)) {
                int count = byType.getOrDefault(type, Set.of()).size();
                if (count == 0) {
                    lost.add(type.getSimpleName() + " of grant " + grant.id());
                } else if (count > 1) {
                    duplicated.add(type.getSimpleName() + " of grant " + grant.id() + ": " + count + " events");
                }
            }
            assertThat(byType).as("grant %s was revoked: nobody revokes in this test", grant.id())
                    .doesNotContainKey(GrantRevoked.class);
            // the later of dba-grant-service's GrantExpired and the effect on the cluster, its requester's superuser
            // role dropped (they are no member; none when access-service recorded the grant after its expiresAt)
            Instant ended = expiredAt.get(grant.id());
            Instant dropped = firstRemoval.get(grant.clusterId() + " " + grant.requester());
            if (ended != null && dropped != null && dropped.isAfter(ended)) {
                ended = dropped;
            }
            if (ended != null && expiresAt.containsKey(grant.id())) {
                lateness.add(Duration.between(expiresAt.get(grant.id()), ended));
            }
        }

        // each revocation for the gateways: a removed member, an ended grant, once each (a person's role that
        // existed was taken away once, so exactly one AccessRevoked; one that never existed may have none)
        Map<String, Set<UUID>> revoked = new HashMap<>();
        for (Envelope<?> event : events.readAll(EventTopic.ACCESS_REVOCATIONS)) {
            if (event.data() instanceof AccessRevoked r && desired.people().contains(r.email())) {
                delivered.merge(event.metadata().id(), 1, Integer::sum);
                revoked.computeIfAbsent(r.clusterId() + " " + r.email() + " " + r.reason(), k -> new HashSet<>())
                        .add(event.metadata().id());
            }
        }
        Set<String> revocations = new TreeSet<>(revoked.keySet());
        burst.removedMembers().forEach(m -> revocations.add(m + " " + AccessRevoked.MEMBER_REMOVED));
        grants.values().forEach(g -> revocations.add(g.clusterId() + " " + g.requester() + " " + AccessRevoked.GRANT_ENDED));
        for (String revocation : revocations) {
            String[] parts = revocation.split(" ");
            int count = revoked.getOrDefault(revocation, Set.of()).size();
            if (count == 0 && provisioned.containsKey(parts[0] + " " + parts[1])) {
                lost.add("AccessRevoked " + revocation);
            } else if (count > 1) {
                duplicated.add("AccessRevoked " + revocation + ": " + count + " events");
            }
        }

        Map<UUID, Integer> rows = auditRows(audited);
        for (UUID id : audited) {
            int count = rows.getOrDefault(id, 0);
            if (count == 0) {
                lost.add("audit row of event " + id);
            } else if (count > 1) {
                duplicated.add("audit rows of event " + id + ": " + count);
            }
        }
        lateness.sort(null);
        int resent = delivered.values().stream().mapToInt(count -> count - 1).sum();
        return new Figures(lost, duplicated, lateness.isEmpty() ? Duration.ZERO : lateness.get(lateness.size() / 2),
                lateness.isEmpty() ? Duration.ZERO : lateness.get(lateness.size() - 1), resent, roles.size(),
                grants.size(), audited.size());
    }

    private static UUID grantOf(PlatformEvent event) {
        if (event instanceof DbaAccessRequested requested) {
            return requested.grantId();
        } else if (event instanceof DbaAccessGranted granted) {
            return granted.grantId();
        } else if (event instanceof GrantExpired expired) {
            return expired.grantId();
        } else if (event instanceof GrantRevoked revoked) {
            return revoked.grantId();
        }
        return null;
    }

    /**
     * console-sync's audit rows per event id, once it has stored a row for each (it catches up after its
     * restart) or the wait is over (what is missing then is lost); its own database, through the credentials
     * {@code up} wrote into its instance's config.
     */
    private static Map<UUID, Integer> auditRows(Set<UUID> ids) throws Exception {
        Path directory = up.local().serviceDirectory("console-sync-service");
        try (Connection console = DriverManager.getConnection(Relaunches.setting(directory, "quarkus.datasource.jdbc.url"),
                Relaunches.setting(directory, "quarkus.datasource.username"),
                Relaunches.setting(directory, "quarkus.datasource.password"))) {
            Instant deadline = Instant.now().plus(EVENTUALLY);
            Map<UUID, Integer> rows = countAuditRows(console, ids);
            while (!rows.keySet().containsAll(ids) && Instant.now().isBefore(deadline)) {
                pause(Duration.ofMillis(500));
                rows = countAuditRows(console, ids);
            }
            return rows;
        }
    }

    private static Map<UUID, Integer> countAuditRows(Connection console, Set<UUID> ids) {
        Map<UUID, Integer> rows = new HashMap<>();
        try (PreparedStatement query = console.prepareStatement(
                "SELECT event_id, count(*) FROM console_audit WHERE event_id = ANY (?) GROUP BY event_id")) {
            query.setArray(1, console.createArrayOf("uuid", ids.toArray()));
            try (ResultSet result = query.executeQuery()) {
                while (result.next()) {
                    rows.put(result.getObject(1, UUID.class), result.getInt(2));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return rows;
    }

    /** The project's verifier, console-sync's {@code GET /api/audit/verify}, as a platform admin calls it. */
    private static void assertChainVerifies(String cluster) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(environment.get("CONSOLE_URL")
                        + "/api/audit/verify?cluster=" + java.net.URLEncoder.encode(cluster, StandardCharsets.UTF_8)))
                .header("Authorization", "Bearer " + token("chaos-admin@example.com", "nais-admins")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("verify %s: %s", cluster, response.body()).isEqualTo(200);
        JsonNode verification = JSON.readTree(response.body());
        System.out.printf("audit chain of %s: %d rows checked, ok %s%n", cluster, verification.get("rowsChecked").asLong(),
                verification.get("ok").asBoolean());
        assertThat(verification.get("ok").asBoolean()).as("the audit chain of %s: %s", cluster, response.body()).isTrue();
    }

    // --- clients --------------------------------------------------------------------------------------------

    private static UUID request(String dba, String clusterId) {
        String body = json(Map.of("clusterId", clusterId, "reason", "chaos burst", "duration", GRANT.toSeconds() + "s"));
        HttpResponse<String> response = call(dba, "/api/grants", body, new String[] {"dba"}, status -> status == 201);
        return UUID.fromString(read(response).get("id").asText());
    }

    /**
     * Approved once the answer says GRANTED. A 403 while dba-grant-service has not yet seen the approver's
     * membership is retried; so is a 409 after an approval whose answer was lost with a killed instance, until
     * the grant's own view says it was granted (or, granted, has expired).
     */
    private static void approve(Grant grant, String approver) {
        call(approver, "/api/grants/" + grant.id() + "/approve", "", new String[0], status -> {
            if (status == 409) {
                String state = read(call(approver, "/api/grants/" + grant.id(), null, new String[0], code -> code == 200))
                        .get("state").asText();
                return state.equals("GRANTED") || state.equals("EXPIRED"); // approved, perhaps long enough ago to be over
            }
            return status == 200;
        });
    }

    /**
     * One call to the dba-grant API (a POST with {@code body}, or a GET when it is null), to either instance,
     * until {@code accepted} takes the status: an instance that does not answer (killed) or answers 5xx or an
     * unaccepted status is tried again on the other, as a load balancer's retry would.
     */
    private static HttpResponse<String> call(String email, String path, String body, String[] groups,
                                             java.util.function.IntPredicate accepted) {
        Instant deadline = Instant.now().plus(EVENTUALLY);
        String last = "no answer";
        for (int attempt = 0; Instant.now().isBefore(deadline); attempt++) {
            String url = dbaGrantUrls.get(attempt % dbaGrantUrls.size()) + path;
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Bearer " + token(email, groups));
            request = body == null ? request.GET()
                    : request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
            try {
                HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
                if (accepted.test(response.statusCode())) {
                    return response;
                }
                if (response.statusCode() == 400 || response.statusCode() == 401) {
                    throw new AssertionError(path + ": " + response.statusCode() + " " + response.body());
                }
                last = response.statusCode() + " " + response.body();
            } catch (IOException e) {
                last = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            pause(Duration.ofMillis(200));
        }
        throw new AssertionError(path + " never accepted; last answer: " + last);
    }

    private static String token(String email, String... groups) {
        return issuer.token().subject(email).email(email).groups(groups).sign();
    }

    /** Each human role on the cluster (a member of {@code nais_human}) and whether it is a superuser, by psql as its admin. */
    private static Map<String, Boolean> humanRoles(String clusterId) {
        String variable = "CLUSTER_" + clusterId.replace('/', '_').replace('-', '_').toUpperCase() + "_ADMIN_URL";
        try {
            Process psql = new ProcessBuilder("psql", "-X", "-At", "-F", "\t", environment.get(variable), "-c", """
                    SELECT r.rolname, r.rolsuper FROM pg_catalog.pg_roles r
                      JOIN pg_catalog.pg_auth_members m ON m.member = r.oid
                      JOIN pg_catalog.pg_roles g ON g.oid = m.roleid
                     WHERE g.rolname = 'nais_human'""").redirectErrorStream(true).start();
            String out = new String(psql.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (psql.waitFor() != 0) {
                throw new IllegalStateException("psql on " + clusterId + ": " + out);
            }
            Map<String, Boolean> roles = new HashMap<>();
            out.lines().filter(line -> !line.isBlank()).map(line -> line.split("\t"))
                    .forEach(columns -> roles.put(columns[0], "t".equals(columns[1])));
            return roles;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    // --- the platform ---------------------------------------------------------------------------------------

    private static List<String> pids(String process) {
        return up.list("PIDS_" + process);
    }

    private static String json(Map<String, String> fields) {
        try {
            return JSON.writeValueAsString(fields);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode read(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void awaitTrue(BooleanSupplier condition, Duration timeout, String what) throws InterruptedException {
        awaitTrue(condition, timeout, () -> what);
    }

    private static void awaitTrue(BooleanSupplier condition, Duration timeout, java.util.function.Supplier<String> what)
            throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("timed out after " + timeout + " waiting until " + what.get());
            }
            Thread.sleep(500);
        }
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
