package io.nais.pg.local;

import io.nais.pg.pki.CertificateAuthority;
import io.nais.pg.pki.IssuedCertificate;
import io.nais.pg.pki.Pem;
import io.nais.pg.testsupport.age.AgeKeyPair;
import io.nais.pg.testsupport.kafka.KafkaBroker;
import io.nais.pg.testsupport.oidc.OidcIssuer;
import io.nais.pg.testsupport.postgres.PostgresCluster;
import io.nais.pg.testsupport.postgres.SeededApplication;
import io.nais.pg.testsupport.process.FreePorts;
import io.nais.pg.testsupport.process.PrivateFiles;
import io.nais.pg.testsupport.process.ServiceJvm;
import io.nais.pg.testsupport.s3.S3Store;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

/**
 * {@code bin/local-platform up [--replicas N] [--brokers M]}: starts the infrastructure (Kafka as
 * one KRaft cluster of M nodes), two team clusters and N instances of each service process,
 * writes {@code .local/platform.env} and the CLI's config, and runs until Ctrl-C or
 * {@code bin/local-platform down}, when everything stops (services first).
 */
final class PlatformUp {

    static final String LOCAL_USER = System.getenv().getOrDefault("NAIS_LOCAL_USER", "developer@example.com");
    static final String BACKUP_BUCKET = "nais-backups";
    /** backup-service in nais.backup.mode=verify: the process that holds the age identity. */
    static final String BACKUP_VERIFIER = "backup-verifier";

    static final List<DemoCluster> DEMO_CLUSTERS = List.of(new DemoCluster("team-a", "demo-app"), new DemoCluster("team-b", "other-app"));

    private final Path repository;
    private final LocalState state;
    private final Shape shape;
    private final List<AutoCloseable> started = new ArrayList<>();

    PlatformUp(Path repository, LocalState state, Shape shape) {
        this.repository = repository;
        this.state = state;
        this.shape = shape;
    }

    /**
     * How many of each: {@code replicas} instances of every service process (each with its own HTTP and
     * management port, a gateway its own gateway port), sharing the service's database and consumer
     * groups as production's replicas do; {@code brokers} Kafka nodes in one KRaft quorum
     * ({@link KafkaBroker#startCluster}). One of each is the default.
     */
    record Shape(int replicas, int brokers) {
        static final Shape ONE_OF_EACH = new Shape(1, 1);

        Shape {
            if (replicas < 1 || brokers < 1) {
                throw new LocalPlatform.UsageException("--replicas and --brokers take a number from 1 up");
            }
        }

        /** {@code [--replicas N] [--brokers M]}. */
        static Shape parse(List<String> args) {
            int replicas = 1;
            int brokers = 1;
            for (int i = 0; i < args.size(); i++) {
                String option = args.get(i);
                if (i + 1 >= args.size() || !(option.equals("--replicas") || option.equals("--brokers"))) {
                    throw new LocalPlatform.UsageException("unknown argument " + option);
                }
                int value;
                try {
                    value = Integer.parseInt(args.get(++i));
                } catch (NumberFormatException e) {
                    throw new LocalPlatform.UsageException(option + " takes a number, not " + args.get(i));
                }
                if (option.equals("--replicas")) {
                    replicas = value;
                } else {
                    brokers = value;
                }
            }
            return new Shape(replicas, brokers);
        }
    }

    void run() throws Exception {
        claimStateDirectory();
        Runtime.getRuntime().addShutdownHook(new Thread(this::stop, "local-platform-stop"));
        long begun = System.nanoTime();
        Infrastructure infrastructure = startInfrastructure();
        LocalPki pki = LocalPki.create(state.pkiDirectory());
        List<RunningCluster> clusters = startClusters(pki);
        writeClustersFile(clusters);
        Services services = startServices(infrastructure, pki);
        Map<String, String> environment = describe(infrastructure, clusters, services);
        writeEnvironment(environment);
        writeCliConfig(infrastructure, services);
        printEndpoints(environment, Duration.ofNanos(System.nanoTime() - begun));
        new CountDownLatch(1).await();
    }

    private void claimStateDirectory() throws IOException {
        Path pid = state.pidFile();
        if (Files.exists(pid)) {
            long other = Long.parseLong(Files.readString(pid).trim());
            if (ProcessHandle.of(other).map(ProcessHandle::isAlive).orElse(false)) {
                throw new LocalPlatform.UsageException("a local platform is already running (pid " + other + ")");
            }
        }
        Files.createDirectories(state.root());
        Files.deleteIfExists(state.environmentFile());
        Files.writeString(pid, Long.toString(ProcessHandle.current().pid()));
    }

    record Infrastructure(KafkaBroker kafka, OidcIssuer oidc, S3Store s3, PostgresCluster platformDatabase) {
    }

    /**
     * Kafka, the issuer, S3 and the services' own PostgreSQL start in parallel; the first failure stops the rest.
     * Several brokers start after the others: their JVMs, all at once beside the issuer's and S3's, kept two
     * cores busy past the issuer's start-up limit.
     */
    private Infrastructure startInfrastructure() {
        status("starting Kafka (" + shape.brokers() + " broker(s)), the OIDC issuer, S3 and the services' PostgreSQL");
        var oidc = CompletableFuture.supplyAsync(() -> track(OidcIssuer.builder().loginAs(LOCAL_USER, List.of("team-a")).start()));
        var s3 = CompletableFuture.supplyAsync(() -> track(S3Store.start()));
        var database = CompletableFuture.supplyAsync(() -> track(PostgresCluster.builder().name("platform").start()));
        var kafka = shape.brokers() == 1
                ? CompletableFuture.supplyAsync(() -> track(KafkaBroker.start()))
                : CompletableFuture.allOf(oidc, s3).thenApplyAsync(started -> track(KafkaBroker.startCluster(shape.brokers())));
        Infrastructure infrastructure = new Infrastructure(kafka.join(), oidc.join(), s3.join(), database.join());
        // a partition per replica: each replica of a service consumes a share, a dead one's share moves
        infrastructure.kafka().createTopics(io.nais.pg.testsupport.Infrastructure.platformTopics(), shape.replicas());
        infrastructure.s3().createBucket(BACKUP_BUCKET);
        return infrastructure;
    }

    record DemoCluster(String team, String app) {
        String id() {
            return team + "/" + app;
        }
    }

    record RunningCluster(DemoCluster demo, PostgresCluster server, SeededApplication application) {
    }

    /**
     * Each team cluster trusts the gateway's client CA for human roles only
     * ({@code hostssl … +nais_human … cert}): the gateway is the one way in for people, every other line for
     * {@code +nais_human} is {@code reject}. Besides people, only the admin and the application's role log in
     * (by password); any other role, such as one a DBA created during a grant, is rejected.
     * Its server certificate comes from the local server CA, which its admin secret
     * file names ({@code sslrootcert}): the services' admin connections verify it
     * ({@code verify-full}) as they would a production cluster.
     */
    private List<RunningCluster> startClusters(LocalPki pki) {
        status("starting the team clusters " + DEMO_CLUSTERS.stream().map(DemoCluster::id).toList());
        List<CompletableFuture<RunningCluster>> starting = DEMO_CLUSTERS.stream().map(demo -> CompletableFuture.supplyAsync(() -> {
            PostgresCluster server = track(PostgresCluster.builder()
                    .name(demo.team() + "-" + demo.app())
                    .tls(pki.serverCa(), List.of(pki.gatewayClientRoot().certificate()))
                    .hba("hostssl all +nais_human 127.0.0.1/32 cert")
                    .onlyKnownRoles(SeededApplication.ownerOf(demo.app()), "+nais_restore") // + backup's restore logins
                    .setting("wal_level", "logical")
                    .start());
            return new RunningCluster(demo, server, server.seedApplication(demo.app()));
        })).toList();
        return starting.stream().map(CompletableFuture::join).toList();
    }

    /** console-sync-service's local file source turns this file into cluster events. */
    private void writeClustersFile(List<RunningCluster> clusters) {
        StringBuilder yaml = new StringBuilder("clusters:\n");
        for (RunningCluster cluster : clusters) {
            yaml.append("  - team: ").append(cluster.demo().team()).append('\n')
                    .append("    app: ").append(cluster.demo().app()).append('\n')
                    .append("    host: ").append(cluster.server().host()).append('\n')
                    .append("    port: ").append(cluster.server().port()).append('\n')
                    .append("    database: ").append(cluster.application().database()).append('\n')
                    .append("    applicationRole: ").append(cluster.application().owner()).append('\n')
                    .append("    schemas: [public]\n")
                    .append("    adminSecretRef: \"file:").append(cluster.server().adminSecretFile()).append("\"\n")
                    .append("    pgVersion: \"15\"\n");
        }
        PrivateFiles.write(state.clustersFile(), yaml.toString());
    }

    /** Each service's name in {@code platform.env}. */
    private static final Map<String, String> ENVIRONMENT_PREFIX = Map.of("access-provisioning", "ACCESS",
            "access-gateway", "ACCESS_GATEWAY", "dba-grant-service", "DBA_GRANT", "backup-service", "BACKUP", BACKUP_VERIFIER, "BACKUP_VERIFY",
            "console-sync-service", "CONSOLE");

    /** The started processes, each process name's instances in order; instance i of the gateway listens on gatewayPorts[i]. */
    record Services(List<Integer> gatewayPorts, Map<String, List<ServiceJvm>> instances) {
        /** The first instance of {@code service}: the one the CLI config and the {@code <SERVICE>_URL} variables name. */
        ServiceJvm process(String service) {
            return instances.get(service).get(0);
        }

        String url(String service) {
            return process(service).url();
        }
    }

    /**
     * One process to start, {@link Shape#replicas()} times: its name, the module it runs, its preferred http port
     * (the first instance's), the settings its instances share, and those each instance gets of its own.
     */
    private record Launch(String name, String module, int port, Map<String, String> config, InstanceConfig perInstance) {
        Launch(String name, String module, int port, Map<String, String> config) {
            this(name, module, port, config, (instance, directory) -> Map.of());
        }
    }

    /** An instance's own settings: {@code instance} counts from 0, {@code directory} is the instance's working directory. */
    @FunctionalInterface
    private interface InstanceConfig {
        Map<String, String> of(int instance, Path directory);
    }

    /**
     * access-service runs as two processes, as in production: provisioning (the access database's owner,
     * the admin credentials) and the gateway (a read-only login, no admin credential). Each process runs
     * {@link Shape#replicas()} times against the same database and Kafka consumer groups.
     */
    private Services startServices(Infrastructure infrastructure, LocalPki pki) {
        status("starting " + shape.replicas() + " instance(s) each of access-provisioning, access-gateway, dba-grant-service,"
                + " backup-service and console-sync-service, and backup-verifier");
        List<Integer> gatewayPorts = new ArrayList<>();
        for (int instance = 0; instance < shape.replicas(); instance++) {
            gatewayPorts.add(instance == 0 ? preferredPort(5433) : FreePorts.next());
        }
        AgeKeyPair backupKey = AgeKeyPair.generate(state.root().resolve("backup").resolve("backup-age-identity.txt"));
        // the ports of deploy/: public 8081-8086, and each one's management port 1000 above (9000, the
        // Deployments' management port, is where a local S3 or another tool is likely to listen)
        int dbaGrantPort = preferredPort(8082);
        int backupPort = preferredPort(8083);
        int backupVerifierPort = preferredPort(8086);
        // both halves of backup-service share its database (the verifier finds the completed runs there)
        Map<String, String> backupDatabase = LocalServiceConfig.common(infrastructure, "backup-service");
        List<Launch> launches = List.of(
                new Launch("access-provisioning", "access-service", preferredPort(8081),
                        merged(LocalServiceConfig.accessProvisioning(), LocalServiceConfig.accessDatabase(infrastructure))),
                new Launch("access-gateway", "access-service", preferredPort(8085), LocalServiceConfig.accessGateway(infrastructure, pki),
                        (instance, directory) -> LocalServiceConfig.gatewayInstance(gatewayPorts.get(instance), directory)),
                new Launch("dba-grant-service", "dba-grant-service", dbaGrantPort, merged(LocalServiceConfig.dbaGrant(
                        infrastructure), LocalServiceConfig.common(infrastructure, "dba-grant-service"))),
                new Launch("backup-service", "backup-service", backupPort,
                        merged(LocalServiceConfig.backupWriter(infrastructure, backupKey), backupDatabase)),
                new Launch(BACKUP_VERIFIER, "backup-service", backupVerifierPort,
                        merged(LocalServiceConfig.backupVerifier(infrastructure, backupKey), backupDatabase)),
                new Launch("console-sync-service", "console-sync-service", preferredPort(8084), merged(
                        LocalServiceConfig.console(infrastructure, state.clustersFile(), dbaGrantPort, backupPort,
                                backupVerifierPort),
                        LocalServiceConfig.common(infrastructure, "console-sync-service"))));
        Map<String, List<ServiceJvm>> instances = new LinkedHashMap<>();
        for (Launch launch : launches) {
            for (int instance = 0; instance < instances(launch); instance++) {
                instances.computeIfAbsent(launch.name(), name -> new ArrayList<>()).add(track(startInstance(launch, instance)));
            }
        }
        for (List<ServiceJvm> processes : instances.values()) {
            for (ServiceJvm process : processes) {
                process.awaitReady(Duration.ofMinutes(3));
                status(process.name() + " is ready at " + process.url());
            }
        }
        return new Services(List.copyOf(gatewayPorts), instances);
    }

    /**
     * {@link Shape#replicas()}, except the backup verifier: one, as deploy/ runs it (each instance would verify
     * every newest backup on its own cron, twice the restores and RestoreVerified events for nothing).
     */
    private int instances(Launch launch) {
        return launch.name().equals(BACKUP_VERIFIER) ? 1 : shape.replicas();
    }

    /** The first instance keeps the process's name, directory and preferred ports (one of each is the platform as it was). */
    private ServiceJvm startInstance(Launch launch, int instance) {
        String name = instance == 0 ? launch.name() : launch.name() + "-" + (instance + 1);
        int port = instance == 0 ? launch.port() : FreePorts.next();
        int managementPort = instance == 0 ? preferredPort(launch.port() + 1000) : FreePorts.next();
        Path directory = state.serviceDirectory(name);
        Map<String, String> config = merged(launch.config(), launch.perInstance().of(instance, directory));
        // every instance shares this machine's HOSTNAME, service-kit's prefix: the group's members say which instance they are
        config.put("mp.messaging.connector.smallrye-kafka.client-id-prefix", name + "-");
        // Six JVMs start at once on one machine (and SCRAM logins cost CPU on both sides): the first
        // connection may take longer than Agroal's default 5 s to be made, which would fail the start.
        config.put("quarkus.datasource.jdbc.acquisition-timeout", "60S");
        // the JIT is the platform's choice for all its children (LocalPlatform: the full one, as in production)
        return ServiceJvm.of(name, ServiceJvm.packagedApp(repository, launch.module())).directory(directory)
                .ports(port, managementPort).config(config).start();
    }

    private static Map<String, String> merged(Map<String, String> first, Map<String, String> second) {
        Map<String, String> config = new LinkedHashMap<>(first);
        config.putAll(second);
        return config;
    }

    private Map<String, String> describe(Infrastructure infrastructure, List<RunningCluster> clusters, Services services) {
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("KAFKA_BOOTSTRAP_SERVERS", infrastructure.kafka().bootstrapServers());
        environment.put("PIDS_KAFKA", joined(infrastructure.kafka().pids()));
        environment.put("OIDC_ISSUER", infrastructure.oidc().issuerUrl());
        environment.put("OIDC_STATE_DIR", infrastructure.oidc().stateDirectory().toString());
        environment.put("S3_ENDPOINT", infrastructure.s3().endpoint());
        environment.put("S3_BUCKET", BACKUP_BUCKET);
        // <SERVICE>_URL: the public port (APIs); <SERVICE>_MANAGEMENT_URL: health and metrics
        ENVIRONMENT_PREFIX.forEach((service, prefix) -> {
            ServiceJvm process = services.process(service);
            environment.put(prefix + "_URL", process.url());
            environment.put(prefix + "_MANAGEMENT_URL", process.managementUrl());
        });
        environment.put("GATEWAY_HOST", "127.0.0.1");
        environment.put("GATEWAY_PORT", Integer.toString(services.gatewayPorts().get(0)));
        environment.put("GATEWAY_PORTS", joined(services.gatewayPorts()));
        // PIDS_<PROCESS>: every instance's pid, in the order of GATEWAY_PORTS for the gateway;
        // PIDS_ACCESS_SERVICE: both access-service processes, the service the way Kubernetes counts its pods
        services.instances().forEach((name, processes) ->
                environment.put("PIDS_" + name.toUpperCase().replace('-', '_'), joined(processes.stream().map(ServiceJvm::pid).toList())));
        environment.put("PIDS_ACCESS_SERVICE", environment.get("PIDS_ACCESS_PROVISIONING") + " " + environment.get("PIDS_ACCESS_GATEWAY"));
        environment.put("GATEWAY_CA_FILE", state.pkiDirectory().resolve("server-ca.crt").toString());
        environment.put("NAIS_CONFIG_DIR", state.cliConfigDirectory().toString());
        for (RunningCluster cluster : clusters) {
            String prefix = "CLUSTER_" + (cluster.demo().team() + "_" + cluster.demo().app()).toUpperCase().replace('-', '_');
            PostgresCluster server = cluster.server();
            environment.put(prefix + "_ID", cluster.demo().id());
            // an admin URL verifies the server (nais postgres migrate refuses one that does not)
            environment.put(prefix + "_ADMIN_URL", "postgresql://" + server.adminUser() + ":" + server.adminPassword() + "@"
                    + server.host() + ":" + server.port() + "/" + cluster.application().database()
                    + "?sslmode=verify-full&sslrootcert=" + server.serverCaFile());
        }
        return environment;
    }

    private void writeEnvironment(Map<String, String> environment) {
        StringBuilder file = new StringBuilder("# written by bin/local-platform up; source it: . .local/platform.env\n");
        environment.forEach((key, value) -> file.append(key).append("='").append(value).append("'\n"));
        PrivateFiles.write(state.environmentFile(), file.toString());
    }

    /** The CLI (bin/nais) picks this directory up while the local platform runs. */
    private void writeCliConfig(Infrastructure infrastructure, Services services) {
        PrivateFiles.write(state.cliConfigDirectory().resolve("config.properties"), String.join("\n",
                "issuer=" + infrastructure.oidc().issuerUrl(),
                "client-id=nais-cli",
                "gateway.host=127.0.0.1",
                "gateway.port=" + services.gatewayPorts().get(0),
                "gateway.ca-file=" + state.pkiDirectory().resolve("server-ca.crt"),
                "api.url=" + services.url("console-sync-service"),
                "dba.url=" + services.url("dba-grant-service"),
                "backup.url=" + services.url("backup-service"),
                // verify and restore go to the half with the age identity (production: the Ingress routes them)
                "backup.verify-url=" + services.url(BACKUP_VERIFIER),
                "team=team-a", ""));
    }

    private void printEndpoints(Map<String, String> environment, Duration took) {
        System.out.println();
        System.out.println("local platform is up (" + took.toSeconds() + " s); endpoints in " + state.environmentFile() + ":");
        environment.forEach((key, value) -> {
            if (!key.endsWith("_ADMIN_URL")) {
                System.out.printf("  %-26s %s%n", key, value);
            }
        });
        System.out.println("""

                try it (another terminal):
                  bin/local-platform add-member team-a %s
                  bin/nais auth login
                  bin/nais postgres psql demo-app -- -c 'select current_user'
                the console: open %s/console in a browser; at the issuer's sign-in form
                  any username signs you in as %s
                Ctrl-C stops everything.""".formatted(LOCAL_USER, environment.get("CONSOLE_URL"), LOCAL_USER));
    }

    private static String joined(List<?> values) {
        return values.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(" "));
    }

    private <T extends AutoCloseable> T track(T component) {
        synchronized (started) {
            started.add(component);
        }
        return component;
    }

    /** Services first (they hold connections to the rest), then everything else, newest first. */
    private void stop() {
        List<AutoCloseable> components;
        synchronized (started) {
            components = new ArrayList<>(started);
        }
        components.sort((a, b) -> Boolean.compare(b instanceof ServiceJvm, a instanceof ServiceJvm));
        for (AutoCloseable component : components) {
            try {
                component.close();
            } catch (Exception e) {
                System.err.println("local-platform: stopping " + component + ": " + e.getMessage());
            }
        }
        try {
            Files.deleteIfExists(state.environmentFile());
            Files.deleteIfExists(state.pidFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int preferredPort(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            return port;
        } catch (IOException busy) {
            return FreePorts.next();
        }
    }

    static void status(String message) {
        System.out.println("local-platform: " + message);
    }

    /**
     * The local CAs: one signs server certificates (gateway, clusters); the clusters trust the other, the
     * gateway client root, and the gateway mints client certificates from a short-lived intermediate under it,
     * as in production (deploy/README.md, "Gateway client CA"; the root's key is in no service's files).
     */
    record LocalPki(CertificateAuthority serverCa, CertificateAuthority gatewayClientRoot, Path directory) {

        static LocalPki create(Path directory) {
            try {
                Files.createDirectories(directory);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            CertificateAuthority serverCa = CertificateAuthority.create("nais local server CA", Duration.ofDays(30));
            CertificateAuthority clientRoot = CertificateAuthority.create("nais local gateway client root", Duration.ofDays(30));
            // a local platform runs for a day at most; production renews its intermediate daily
            CertificateAuthority clientCa = clientRoot.issueIntermediate("nais local gateway client CA",
                    Instant.now().minus(Duration.ofMinutes(1)), Instant.now().plus(Duration.ofDays(2)));
            Pem.writeCertificates(directory.resolve("server-ca.crt"), List.of(serverCa.certificate()));
            IssuedCertificate gateway = serverCa.issueServer("nais-gateway", List.of("localhost", "127.0.0.1"), Duration.ofDays(30));
            gateway.writePem(directory.resolve("gateway"));
            clientCa.keyAndCertificate().writePem(directory.resolve("gateway-client-ca"));
            return new LocalPki(serverCa, clientRoot, directory);
        }
    }
}
