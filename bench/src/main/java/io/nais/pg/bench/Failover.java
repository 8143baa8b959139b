package io.nais.pg.bench;

import io.nais.pg.events.Envelope;
import io.nais.pg.events.PlatformEvent;
import io.nais.pg.events.TeamMemberAdded;
import io.nais.pg.events.TeamMemberRemoved;
import io.nais.pg.testsupport.kafka.KafkaBroker;
import io.nais.pg.testsupport.kafka.TestEventBus;
import io.nais.pg.testsupport.oidc.OidcIssuer;
import io.nais.pg.testsupport.process.ProcessLaunch;
import io.nais.pg.events.EventTopic;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;

/**
 * Failover on a local platform started with {@code --replicas 2 --brokers 3} (bench/failover.sh starts it):
 * <ol>
 *   <li><b>Failover time</b>: {@code kill -9} of the access-service provisioning replica that consumes team-a's
 *       partition of the membership topic (the group's members carry the instance's name as client id
 *       prefix), then a new member is added to team-a; the time from the kill until the member's first
 *       successful login through a gateway. Baseline in the same run, interleaved: the same with no kill.
 *       Between kills the killed replica is started again (its own command line and directory) and waited
 *       for until the consumer group is stable with every member back.</li>
 *   <li><b>Revocation latency across replicas</b>: a member holds a {@code psql} session on each of the two
 *       gateway replicas; the time from TeamMemberRemoved's acknowledgement until both sessions have ended.
 *       Baseline, interleaved: both sessions on the same gateway replica.</li>
 * </ol>
 * Usage: {@code Failover <platform.env> [kills=5] [revocations=50]}.
 */
public final class Failover {

    private static final String CONSUMER_GROUP = "access-service";
    private static final long LOGIN_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(120);

    private final Map<String, String> environment;
    private final OidcIssuer issuer;
    private final TestEventBus events;
    private final List<String> gatewayPorts;

    private Failover(Map<String, String> environment) {
        this.environment = environment;
        this.issuer = OidcIssuer.attach(Path.of(environment.get("OIDC_STATE_DIR")));
        this.events = new TestEventBus(environment.get("KAFKA_BOOTSTRAP_SERVERS"));
        this.gatewayPorts = list("GATEWAY_PORTS");
    }

    public static void main(String[] args) throws Exception {
        Failover bench = new Failover(readEnvironment(Path.of(args[0])));
        int kills = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int revocations = args.length > 2 ? Integer.parseInt(args[2]) : 50;
        bench.firstLogins(); // warm-up: every replica has consumed, joined its group and logged someone in
        bench.countMembersWithAllUp();
        Stats noKill = new Stats("baseline: a new member's first login, no kill");
        Stats afterKill = new Stats("a new member's first login after kill -9 of the provisioning replica");
        for (int kill = 0; kill < kills; kill++) {
            noKill.add(bench.firstLogins());
            afterKill.add(bench.firstLoginsAfterKill(bench.ownerOfTeamA()));
            System.err.printf("kill %d/%d done%n", kill + 1, kills);
        }
        Stats sameReplica = new Stats("baseline: revocation, both sessions on one gateway replica");
        Stats acrossReplicas = new Stats("revocation, one session on each gateway replica");
        for (int run = 0; run < revocations; run++) {
            sameReplica.add(bench.revocation(List.of(bench.gatewayPorts.get(0), bench.gatewayPorts.get(0))));
            acrossReplicas.add(bench.revocation(bench.gatewayPorts.subList(0, 2)));
            if ((run + 1) % 10 == 0) {
                System.err.printf("revocation %d/%d done%n", run + 1, revocations);
            }
        }
        bench.events.close();
        System.out.printf("%-70s %5s %9s %9s %9s %7s%n", "what", "runs", "p50 ms", "p99 ms", "max ms", "x base");
        for (List<Stats> group : List.of(List.of(noKill, afterKill), List.of(sameReplica, acrossReplicas))) {
            double base = group.get(0).p50Millis();
            for (Stats s : group) {
                System.out.printf("%-70s %5d %9.0f %9.0f %9.0f %7.1f%n", s.name(), s.runs(), s.p50Millis(), s.p99Millis(),
                        s.maxMillis(), s.p50Millis() / base);
            }
        }
    }

    /** The index (in PIDS_ACCESS_PROVISIONING) of the provisioning instance that consumes team-a's membership partition. */
    private int ownerOfTeamA() throws Exception {
        String topic = EventTopic.TEAM_MEMBERSHIP.topicName();
        try (Admin admin = KafkaBroker.attach(environment.get("KAFKA_BOOTSTRAP_SERVERS")).admin()) {
            int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
            TopicPartition teamA = new TopicPartition(topic, Utils.toPositive(Utils.murmur2("team-a".getBytes(StandardCharsets.UTF_8))) % partitions);
            String clientId = admin.describeConsumerGroups(List.of(CONSUMER_GROUP)).all().get().get(CONSUMER_GROUP).members().stream()
                    .filter(member -> member.assignment().topicPartitions().contains(teamA))
                    .findFirst().orElseThrow(() -> new IllegalStateException("no member consumes " + teamA)).clientId();
            // instance 1 is "access-provisioning-", instance n > 1 "access-provisioning-<n>-" (PlatformUp.startInstance)
            String instance = clientId.substring("access-provisioning-".length()).split("-")[0];
            return instance.matches("[0-9]+") ? Integer.parseInt(instance) - 1 : 0;
        }
    }

    /** Nanoseconds from adding a member to team-a until their first login. */
    private long firstLogins() {
        long start = System.nanoTime();
        awaitFirstLogins(start);
        return System.nanoTime() - start;
    }

    /** Kills provisioning replica {@code replica}, times the new members' first logins from the kill, starts it again. */
    private long firstLoginsAfterKill(int replica) throws Exception {
        ProcessHandle victim = ProcessHandle.of(Long.parseLong(list("PIDS_ACCESS_PROVISIONING").get(replica))).orElseThrow();
        ProcessLaunch launch = ProcessLaunch.of(victim.pid());
        long start = System.nanoTime();
        victim.destroyForcibly();
        victim.onExit().get(30, TimeUnit.SECONDS);
        awaitFirstLogins(start);
        long elapsed = System.nanoTime() - start;
        Process restarted = launch.start(launch.directory().resolve("restarted.log"));
        environment.put("PIDS_ACCESS_PROVISIONING", replacePid(list("PIDS_ACCESS_PROVISIONING"), replica, restarted.pid()));
        awaitStableGroupOfTwo();
        return elapsed;
    }

    private void awaitFirstLogins(long start) {
        String member = "failover-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        publish(new TeamMemberAdded("team-a", member));
        awaitLogin(member, "team-a/demo-app", start);
    }

    /** Polls a login through the gateways (each port in turn, as a load balancer would) until one succeeds. */
    private void awaitLogin(String email, String clusterId, long start) {
        for (int attempt = 0; ; attempt++) {
            if (psql(email, clusterId, gatewayPorts.get(attempt % gatewayPorts.size()), "select 1").waitForSuccess()) {
                return;
            }
            if (System.nanoTime() - start > LOGIN_TIMEOUT_NANOS) {
                throw new IllegalStateException(email + " could not log in within 120 s");
            }
            pause(20);
        }
    }

    /** Nanoseconds from TeamMemberRemoved's ack until the member's sessions on {@code ports} have all ended. */
    private long revocation(List<String> ports) throws Exception {
        String member = "revoked-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        publish(new TeamMemberAdded("team-a", member));
        awaitLogin(member, "team-a/demo-app", System.nanoTime());
        List<Session> sessions = ports.stream().map(port -> psql(member, "team-a/demo-app", port, "select pg_sleep(600)")).toList();
        while (sessionsOnCluster(member) < sessions.size()) {
            pause(20);
        }
        publish(new TeamMemberRemoved("team-a", member));
        long start = System.nanoTime();
        for (Session session : sessions) {
            if (!session.process.waitFor(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("a session of " + member + " outlived the removal by 60 s");
            }
        }
        return System.nanoTime() - start;
    }

    private int sessionsOnCluster(String role) {
        ProcessBuilder builder = new ProcessBuilder("psql", "-X", "-At", environment.get("CLUSTER_TEAM_A_DEMO_APP_ADMIN_URL"), "-c",
                "select count(*) from pg_stat_activity where usename = '" + role + "' and query like 'select pg_sleep%'");
        try {
            Process process = builder.redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes()).trim();
            return process.waitFor() == 0 ? Integer.parseInt(out) : 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private record Session(Process process) {
        boolean waitForSuccess() {
            try {
                return process.waitFor() == 0;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** psql through one gateway port as {@code email}, with a fresh token; output discarded. */
    private Session psql(String email, String clusterId, String port, String sql) {
        String conninfo = "host=127.0.0.1 port=" + port + " dbname=" + clusterId + " user=" + email
                + " sslmode=verify-full sslrootcert=" + environment.get("GATEWAY_CA_FILE");
        ProcessBuilder builder = new ProcessBuilder("psql", "-X", "-At", conninfo, "-c", sql)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("PGPASSWORD", issuer.token().subject(email).email(email).sign());
        try {
            return new Session(builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until access-service's consumer group is stable with both provisioning replicas in it. */
    private void awaitStableGroupOfTwo() throws Exception {
        try (Admin admin = KafkaBroker.attach(environment.get("KAFKA_BOOTSTRAP_SERVERS")).admin()) {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            while (true) {
                ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(CONSUMER_GROUP)).all().get()
                        .get(CONSUMER_GROUP);
                if (group.groupState() == GroupState.STABLE && group.members().size() == membersWithAllUp) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the restarted replica did not rejoin " + CONSUMER_GROUP);
                }
                pause(200);
            }
        }
    }

    /** The group's members (a consumer per incoming channel per replica) before the first kill, both replicas up. */
    private int membersWithAllUp;

    private void countMembersWithAllUp() throws Exception {
        try (Admin admin = KafkaBroker.attach(environment.get("KAFKA_BOOTSTRAP_SERVERS")).admin()) {
            membersWithAllUp = admin.describeConsumerGroups(List.of(CONSUMER_GROUP)).all().get().get(CONSUMER_GROUP)
                    .members().size();
        }
    }

    private void publish(PlatformEvent event) {
        events.publish(Envelope.of("bench-failover", event));
    }

    private List<String> list(String variable) {
        return Arrays.asList(environment.get(variable).trim().split(" +"));
    }

    private static String replacePid(List<String> pids, int index, long pid) {
        List<String> replaced = new ArrayList<>(pids);
        replaced.set(index, Long.toString(pid));
        return String.join(" ", replaced);
    }

    private static Map<String, String> readEnvironment(Path file) throws IOException {
        Map<String, String> environment = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
            int equals = line.indexOf('=');
            if (line.startsWith("#") || equals < 0) {
                continue;
            }
            String value = line.substring(equals + 1);
            environment.put(line.substring(0, equals), value.startsWith("'") ? value.substring(1, value.length() - 1) : value);
        }
        return environment;
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
