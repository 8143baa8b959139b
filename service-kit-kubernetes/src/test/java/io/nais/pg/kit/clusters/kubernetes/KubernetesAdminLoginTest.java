package io.nais.pg.kit.clusters.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.nais.pg.kit.clusters.LibpqAdminLogin;
import io.nais.pg.pki.CertificateAuthority;
import io.nais.pg.pki.Pem;
import io.nais.pg.testsupport.postgres.PostgresCluster;

/**
 * The production path end to end: a {@code k8s:} reference, resolved from the Kubernetes API test server
 * (CRUD mode), logs real {@code psql} in to a real cluster as its admin over {@code verify-full} against the CA
 * from the operator's CA secret; and when the operator rotates the password (on the server and in the secret),
 * the next login uses the new one while the old one is refused.
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesAdminLoginTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    /** psql's exit status when it could not connect (here: authentication failed). */
    private static final int PSQL_CONNECTION_FAILED = 2;
    private static final String NAMESPACE = "team-a";
    private static final String REF = "k8s:" + NAMESPACE + "/orders-superuser?ca=orders-ca";
    private static final CertificateAuthority CLUSTER_CA = CertificateAuthority.create("orders CA", Duration.ofHours(1));

    static KubernetesClient client;

    private static PostgresCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = PostgresCluster.builder().name("k8s-admin").tls(CLUSTER_CA).start();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void psqlLogsInOverVerifiedTlsWithTheOperatorsSecretAndFollowsAPasswordRotation() throws Exception {
        client.secrets().inNamespace(NAMESPACE).resource(secret("orders-ca",
                Map.of("ca.crt", Pem.encode(CLUSTER_CA.certificate())))).create();
        client.secrets().inNamespace(NAMESPACE).resource(secret("orders-superuser",
                Map.of("username", cluster.adminUser(), "password", cluster.adminPassword()))).create();
        KubernetesAdminSecretResolver resolver = new KubernetesAdminSecretResolver(() -> client);
        try {
            LibpqAdminLogin beforeRotation = login(resolver);
            Psql verified = psql(beforeRotation, "SELECT current_user || ' ' || s.ssl FROM pg_catalog.pg_stat_ssl s"
                    + " WHERE s.pid = pg_catalog.pg_backend_pid()");
            assertThat(verified.exitCode()).as(verified.output()).isZero();
            assertThat(verified.output().strip()).isEqualTo(cluster.adminUser() + " true");

            // the operator rotates: first on the server, then in the secret
            cluster.execute("postgres", "DO $$BEGIN EXECUTE pg_catalog.format('ALTER ROLE %I PASSWORD %L',"
                    + " current_user, 'rotated-by-the-operator'); END$$");
            client.secrets().inNamespace(NAMESPACE).resource(secret("orders-superuser",
                    Map.of("username", cluster.adminUser(), "password", "rotated-by-the-operator"))).update();

            await().atMost(WAIT).untilAsserted(() -> assertThat(psql(login(resolver), "SELECT 1").exitCode()).isZero());
            assertThat(psql(beforeRotation, "SELECT 1").exitCode()).isEqualTo(PSQL_CONNECTION_FAILED);
        } finally {
            resolver.stopWatching();
        }
    }

    private static LibpqAdminLogin login(KubernetesAdminSecretResolver resolver) {
        return new LibpqAdminLogin(cluster.host(), cluster.port(), "postgres", resolver.resolve(URI.create(REF)));
    }

    private record Psql(int exitCode, String output) {
    }

    /** psql as backup-service runs its tools: the conninfo on the command line, the password in the environment. */
    private static Psql psql(LibpqAdminLogin login, String sql) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(cluster.binDir().resolve("psql").toString(),
                "--no-psqlrc", "--tuples-only", "--no-align", "--dbname=" + login.conninfo(), "--command=" + sql));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(login.environment());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Psql(process.exitValue(), output);
    }

    private static Secret secret(String name, Map<String, String> values) {
        Map<String, String> data = new LinkedHashMap<>();
        values.forEach((key, value) -> data.put(key,
                Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8))));
        return new SecretBuilder().withNewMetadata().withName(name).withNamespace(NAMESPACE).endMetadata()
                .withData(data).build();
    }
}
