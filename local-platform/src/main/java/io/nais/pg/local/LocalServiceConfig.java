package io.nais.pg.local;

import io.nais.pg.local.PlatformUp.Infrastructure;
import io.nais.pg.local.PlatformUp.LocalPki;
import io.nais.pg.testsupport.age.AgeKeyPair;
import io.nais.pg.testsupport.postgres.PostgresCluster;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The settings each service gets on the local platform: the same keys as in
 * production (deploy/), with values that point at the local components.
 */
final class LocalServiceConfig {

    private static final SecureRandom RANDOM = new SecureRandom();

    private LocalServiceConfig() {
    }

    /** Kafka and the service's own database (created here, owned by a role of its own). */
    static Map<String, String> common(Infrastructure infrastructure, String service) {
        String database = service.replace("-service", "").replace('-', '_');
        String password = HexFormat.of().formatHex(RANDOM.generateSeed(16));
        infrastructure.platformDatabase().createLoginRole(database, password);
        infrastructure.platformDatabase().createDatabase(database, database);
        Map<String, String> config = new LinkedHashMap<>();
        config.put("kafka.bootstrap.servers", infrastructure.kafka().bootstrapServers());
        config.put("quarkus.datasource.jdbc.url", infrastructure.platformDatabase().jdbcUrl(database));
        config.put("quarkus.datasource.username", database);
        config.put("quarkus.datasource.password", password);
        return config;
    }

    /** The group role the gateway's login is in; V19__gateway_reader_role.sql grants it the gateway's privileges. */
    static final String GATEWAY_READER_ROLE = "nais_access_gateway";

    /** access-service's provisioning process: the owner of the access database (common), no gateway. */
    static Map<String, String> accessProvisioning() {
        return Map.of("nais.access.mode", "provisioning");
    }

    /**
     * The access database, owned by the provisioning process's role, and the group role the gateway's
     * login will be in: made before provisioning migrates, which grants to it, as an operator would.
     */
    static Map<String, String> accessDatabase(Infrastructure infrastructure) {
        infrastructure.platformDatabase().execute("postgres", "CREATE ROLE \"" + GATEWAY_READER_ROLE + "\" NOLOGIN");
        return common(infrastructure, "access-service");
    }

    /**
     * access-service's gateway process: its own LOGIN in the access database, only a member of
     * {@value #GATEWAY_READER_ROLE} (SELECT on the directory, INSERT into the outbox), no admin secret of
     * any kind; it mints per-login client certificates from the local client CA. Every gateway instance
     * shares these; {@link #gatewayInstance} adds each one's own.
     */
    static Map<String, String> accessGateway(Infrastructure infrastructure, LocalPki pki) {
        Path gateway = pki.directory().resolve("gateway");
        Path clientCa = pki.directory().resolve("gateway-client-ca");
        String login = "access_gateway";
        String password = HexFormat.of().formatHex(RANDOM.generateSeed(16));
        infrastructure.platformDatabase().createLoginRole(login, password);
        infrastructure.platformDatabase().execute("postgres",
                "GRANT \"" + GATEWAY_READER_ROLE + "\" TO \"" + login + "\"");
        Map<String, String> config = new LinkedHashMap<>();
        config.put("kafka.bootstrap.servers", infrastructure.kafka().bootstrapServers());
        config.put("quarkus.datasource.jdbc.url", infrastructure.platformDatabase().jdbcUrl("access"));
        config.put("quarkus.datasource.username", login);
        config.put("quarkus.datasource.password", password);
        config.put("nais.access.mode", "gateway");
        config.put("nais.access.gateway.host", "127.0.0.1");
        config.put("nais.access.gateway.oidc.issuer", infrastructure.oidc().issuerUrl());
        config.put("nais.access.gateway.oidc.audience", "nais-pg");
        config.put("nais.access.gateway.tls.cert-file", gateway.resolve("tls.crt").toString());
        config.put("nais.access.gateway.tls.key-file", gateway.resolve("tls.key").toString());
        config.put("nais.access.gateway.ca.cert-file", clientCa.resolve("tls.crt").toString());
        config.put("nais.access.gateway.ca.key-file", clientCa.resolve("tls.key").toString());
        // the team clusters' server certificates come from the local server CA
        config.put("nais.access.gateway.backend.trusted-ca-file", pki.directory().resolve("server-ca.crt").toString());
        return config;
    }

    /** One gateway instance's own: its listening port and its audit spool (a volume per pod in production). */
    static Map<String, String> gatewayInstance(int gatewayPort, Path serviceDirectory) {
        return Map.of("nais.access.gateway.port", Integer.toString(gatewayPort),
                // the platform's own spool: never shared with another gateway on this machine
                "nais.access.gateway.audit.spool.directory", serviceDirectory.resolve("audit-spool").toString());
    }

    static Map<String, String> dbaGrant(Infrastructure infrastructure) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("quarkus.oidc.auth-server-url", infrastructure.oidc().issuerUrl());
        return config;
    }

    /**
     * The backup side of backup-service ({@code nais.backup.mode=backup}, as deploy/'s backup-service):
     * it encrypts to the age key's public half and never gets the identity. The key is made with the
     * real {@code age-keygen}, so the disaster runbook (S3 client, {@code age -d}, {@code pg_restore})
     * works on local backups too.
     */
    static Map<String, String> backupWriter(Infrastructure infrastructure, AgeKeyPair key) {
        Map<String, String> config = backupStorage(infrastructure);
        config.put("nais.backup.mode", "backup");
        config.put("nais.backup.encryption.recipients", key.recipient());
        return config;
    }

    /**
     * The verify side ({@code nais.backup.mode=verify}, as deploy/'s backup-verifier): the identity, and
     * restore checks on the platform's own PostgreSQL. The local S3 store has one key pair, so both sides
     * share it here (deploy/README.md, "Backup keys", for the two policies in production). It runs
     * {@code nais postgres migrate} too; every local database listens on loopback, which production refuses
     * as a migration source, so only link-local (the metadata address) stays refused here.
     */
    static Map<String, String> backupVerifier(Infrastructure infrastructure, AgeKeyPair key) {
        PostgresCluster scratch = infrastructure.platformDatabase();
        Map<String, String> config = backupStorage(infrastructure);
        config.put("nais.backup.mode", "verify");
        config.put("nais.backup.encryption.identity-file", key.identityFile().toString());
        config.put("nais.backup.verification.scratch-host", scratch.host());
        config.put("nais.backup.verification.scratch-port", Integer.toString(scratch.port()));
        config.put("nais.backup.verification.scratch-admin-secret-ref", "file:" + scratch.adminSecretFile());
        config.put("nais.backup.migration.refused-source-networks", "169.254.0.0/16,fe80::/10");
        return config;
    }

    private static Map<String, String> backupStorage(Infrastructure infrastructure) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("nais.backup.storage.endpoint", infrastructure.s3().endpoint());
        config.put("nais.backup.storage.access-key-id", infrastructure.s3().accessKey());
        config.put("nais.backup.storage.secret-access-key", infrastructure.s3().secretKey());
        config.put("nais.backup.storage.region", infrastructure.s3().region());
        config.put("nais.backup.storage.bucket", PlatformUp.BACKUP_BUCKET);
        // the backup API takes the same bearer tokens as the other services
        config.put("quarkus.oidc.auth-server-url", infrastructure.oidc().issuerUrl());
        return config;
    }

    /** The page signs people in at the local issuer and acts through the local dba-grant and backup services. */
    static Map<String, String> console(Infrastructure infrastructure, Path clustersFile, int dbaGrantPort, int backupPort,
                                       int backupVerifierPort) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("nais.console.peers.dba-grant-url", "http://127.0.0.1:" + dbaGrantPort);
        config.put("nais.console.peers.backup-url", "http://127.0.0.1:" + backupPort);
        config.put("nais.console.peers.backup-verifier-url", "http://127.0.0.1:" + backupVerifierPort);
        // the local console is plain http on 127.0.0.1, where browsers drop Secure cookies (only "localhost" is
        // exempt): without this the sign-in's state cookie is lost and the callback answers 401
        config.put("quarkus.oidc.console.authentication.cookie-force-secure", "false");
        // the local issuer signs its person in without asking (so `nais auth login` needs no browser);
        // the console asks for its sign-in form, where any identity can be chosen
        config.put("quarkus.oidc.console.authentication.extra-params.prompt", "login");
        // no Kubernetes locally: the clusters come from the file instead
        config.put("nais.console.kubernetes.enabled", "false");
        config.put("nais.console.discovery.file", clustersFile.toString());
        config.put("quarkus.oidc.auth-server-url", infrastructure.oidc().issuerUrl());
        return config;
    }
}
