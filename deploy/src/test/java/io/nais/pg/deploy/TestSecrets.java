package io.nais.pg.deploy;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.nais.pg.pki.CertificateAuthority;
import io.nais.pg.pki.IssuedCertificate;
import io.nais.pg.testsupport.ServiceDatabase;
import io.nais.pg.testsupport.age.AgeKeyPair;
import io.nais.pg.testsupport.process.FreePorts;
import io.nais.pg.testsupport.tls.Pkcs12;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiFunction;

/**
 * The Secrets of one overlay as the cluster would hold them, with test values. Which keys a Secret
 * has comes from the overlay: the ExternalSecret that makes it (prod), or, for a Secret no
 * ExternalSecret makes (dev's hand-made ones, cert-manager's), the keys the Deployments read from
 * it ({@link SecretsProvidedTest#read}). So a key a Deployment reads that the ExternalSecret does
 * not make is missing here too, as it would be in the cluster.
 *
 * <p>The values come from the key names (Strimzi's, cert-manager's and the README's table), each
 * from the test infrastructure. A key of no known kind fails the test: a new kind of Secret needs a
 * decision here about what stands in for it.
 */
final class TestSecrets {

    /** A kind of Secret: the keys it is known by, and how to make their values for one Secret. */
    private record Kind(Set<String> keys, BiFunction<TestSecrets, String, Map<String, byte[]>> values) {
    }

    private static final List<Kind> KINDS = List.of(
            new Kind(Set.of("jdbc-url", "username", "password"), TestSecrets::database),
            new Kind(Set.of("user.p12", "user.password"), TestSecrets::kafkaUser),
            new Kind(Set.of("ca.p12", "ca.password"), TestSecrets::kafkaClusterCa),
            new Kind(Set.of("tls.crt", "tls.key", "ca.crt"), TestSecrets::tls),
            new Kind(Set.of("access-key-id", "secret-access-key"), TestSecrets::objectStore),
            new Kind(Set.of("recipients", "identity.txt"), TestSecrets::age));

    private static final String ACCESS_DB = "access-service-db";
    private static final String GATEWAY_DB = "access-gateway-db";
    private static final String GATEWAY_GROUP = "nais_access_gateway";

    private final ConformanceInfrastructure infrastructure;
    private final Path scratch;
    private ServiceDatabase access;
    private final Map<String, Map<String, byte[]>> secrets = new TreeMap<>();

    private TestSecrets(ConformanceInfrastructure infrastructure, Path scratch) {
        this.infrastructure = infrastructure;
        this.scratch = scratch;
    }

    /** Every Secret the overlay's Deployments use, with the keys the overlay gives it and a test value for each. */
    static TestSecrets of(RenderedOverlay overlay, ConformanceInfrastructure infrastructure, Path scratch) {
        TestSecrets made = new TestSecrets(infrastructure, scratch);
        keysBySecret(overlay).forEach((secret, keys) -> made.secrets.put(secret, made.values(secret, keys)));
        return made;
    }

    /** The Secret's data, or null where the cluster would have no such Secret. */
    Map<String, byte[]> secret(String name) {
        return secrets.get(name);
    }

    static Map<String, Set<String>> keysBySecret(RenderedOverlay overlay) {
        Map<String, Set<String>> made = SecretsProvidedTest.externalSecretKeys(overlay);
        Map<String, Set<String>> keys = new TreeMap<>();
        for (Deployment deployment : overlay.deployments()) {
            for (String secret : secretNames(deployment)) {
                keys.computeIfAbsent(secret, s -> new TreeSet<>());
            }
            SecretsProvidedTest.read(overlay, deployment).forEach((secret, read) -> {
                if (!made.containsKey(secret)) {
                    keys.get(secret).addAll(read);
                }
            });
        }
        keys.replaceAll((secret, read) -> made.containsKey(secret) ? made.get(secret) : read);
        return keys;
    }

    /** The Secrets a pod refers to: env secretKeyRefs and secret volumes. */
    private static Set<String> secretNames(Deployment deployment) {
        Set<String> names = new TreeSet<>();
        var pod = deployment.getSpec().getTemplate().getSpec();
        pod.getContainers().forEach(container -> {
            if (container.getEnv() != null) {
                container.getEnv().stream().filter(e -> e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null)
                        .forEach(e -> names.add(e.getValueFrom().getSecretKeyRef().getName()));
            }
        });
        if (pod.getVolumes() != null) {
            pod.getVolumes().stream().filter(v -> v.getSecret() != null).forEach(v -> names.add(v.getSecret().getSecretName()));
            pod.getVolumes().stream().filter(v -> v.getProjected() != null)
                    .flatMap(v -> v.getProjected().getSources().stream())
                    .filter(source -> source.getSecret() != null).forEach(source -> names.add(source.getSecret().getName()));
        }
        return names;
    }

    private Map<String, byte[]> values(String secret, Set<String> keys) {
        Map<String, byte[]> data = new LinkedHashMap<>();
        for (Kind kind : KINDS) {
            if (keys.stream().anyMatch(kind.keys()::contains)) {
                kind.values().apply(this, secret).forEach((key, value) -> {
                    if (keys.contains(key)) {
                        data.put(key, value);
                    }
                });
            }
        }
        Set<String> unknown = new TreeSet<>(keys);
        unknown.removeAll(data.keySet());
        if (!unknown.isEmpty()) {
            throw new AssertionError("Secret " + secret + ": no test value for " + unknown
                    + " (add the kind to TestSecrets.KINDS)");
        }
        return data;
    }

    /**
     * {@code <service>-db}: a fresh database and LOGIN role of its own in the test PostgreSQL cluster;
     * {@code access-gateway-db}: what the operator makes for the gateway (deploy/README, "Least
     * privilege"), a LOGIN only in {@code nais_access_gateway}, in access-service's database.
     */
    private Map<String, byte[]> database(String secret) {
        if (secret.equals(GATEWAY_DB)) {
            return gatewayLogin();
        }
        ServiceDatabase database = secret.equals(ACCESS_DB) ? accessDatabase() : infrastructure.shared.newServiceDatabase();
        return Map.of("jdbc-url", utf8(database.jdbcUrl()), "username", utf8(database.username()),
                "password", utf8(database.password()));
    }

    /** access-service's database, once per overlay, with the group role its migrations grant the gateway's reads to. */
    private ServiceDatabase accessDatabase() {
        if (access == null) {
            infrastructure.shared.postgres().execute("postgres", "DO $$ BEGIN CREATE ROLE \"" + GATEWAY_GROUP
                    + "\" NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$");
            access = infrastructure.shared.newServiceDatabase();
        }
        return access;
    }

    private Map<String, byte[]> gatewayLogin() {
        ServiceDatabase database = accessDatabase();
        String login = database.username() + "_gateway";
        String password = Pkcs12.newPassword();
        infrastructure.shared.postgres().createLoginRole(login, password);
        infrastructure.shared.postgres().execute("postgres", "GRANT \"" + GATEWAY_GROUP + "\" TO \"" + login + "\"");
        return Map.of("jdbc-url", utf8(database.jdbcUrl()), "username", utf8(login), "password", utf8(password));
    }

    /** Strimzi's KafkaUser Secret: a client certificate for CN=&lt;user&gt; from the clients CA, in a PKCS#12 store. */
    private Map<String, byte[]> kafkaUser(String secret) {
        String password = Pkcs12.newPassword();
        IssuedCertificate user = infrastructure.kafkaClientsCa.issueClient(secret, Duration.ofHours(4));
        return Map.of("user.p12", read(Pkcs12.writeKeyStore(file(secret, "user.p12"), user, password)),
                "user.password", utf8(password));
    }

    /** Strimzi's {@code <cluster>-cluster-ca-cert}: the cluster CA's certificate in a PKCS#12 trust store. */
    private Map<String, byte[]> kafkaClusterCa(String secret) {
        String password = Pkcs12.newPassword();
        return Map.of("ca.p12", read(Pkcs12.writeTrustStore(file(secret, "ca.p12"),
                infrastructure.kafkaClusterCa.certificate(), password)), "ca.password", utf8(password));
    }

    /**
     * A {@code kubernetes.io/tls} Secret: a CA's own key and certificate when the Secret is named as a
     * CA ({@code *-ca}, e.g. the gateway's client CA that mints login certificates), else a server
     * certificate for this host from a throwaway CA (cert-manager's role).
     */
    private Map<String, byte[]> tls(String secret) {
        CertificateAuthority ca = CertificateAuthority.create(secret + " test CA", Duration.ofHours(4));
        IssuedCertificate issued = secret.endsWith("-ca") ? ca.keyAndCertificate()
                : ca.issueServer(secret, List.of("localhost", FreePorts.HOST), Duration.ofHours(4));
        IssuedCertificate.PemFiles files = issued.writePem(scratch.resolve(secret));
        return Map.of("tls.crt", read(files.certificate()), "tls.key", read(files.privateKey()),
                "ca.crt", read(files.caCertificate()));
    }

    private Map<String, byte[]> objectStore(String secret) {
        return Map.of("access-key-id", utf8(infrastructure.s3.accessKey()),
                "secret-access-key", utf8(infrastructure.s3.secretKey()));
    }

    /** The backup encryption key pair, made by the standard {@code age-keygen}. */
    private Map<String, byte[]> age(String secret) {
        AgeKeyPair key = AgeKeyPair.generate(file(secret, "identity.txt"));
        return Map.of("recipients", utf8(key.recipient()), "identity.txt", read(key.identityFile()));
    }

    private Path file(String secret, String key) {
        try {
            return Files.createDirectories(scratch.resolve(secret)).resolve(key);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] utf8(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
