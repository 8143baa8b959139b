package io.nais.pg.deploy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.nais.pg.pki.CertificateAuthority;
import io.nais.pg.testsupport.Infrastructure;
import io.nais.pg.testsupport.kafka.KafkaBroker;
import io.nais.pg.testsupport.oidc.OidcIssuer;
import io.nais.pg.testsupport.process.FreePorts;
import io.nais.pg.testsupport.s3.S3Store;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the services of an overlay reach in the conformance test, in place of the production endpoints:
 * a real Kafka broker with a TLS listener that requires client certificates (Strimzi's cluster CA signs
 * the broker, its clients CA the users), the test-support PostgreSQL cluster, OIDC issuer and S3 store,
 * and the fabric8 Kubernetes API test server (CRUD mode) over HTTPS.
 *
 * <p>{@link #endpointSubstitutions()} is the one place where a value the manifests give is replaced.
 */
final class ConformanceInfrastructure implements AutoCloseable {

    /** The host name the API server's self-signed certificate names (vert.x's {@code SelfSignedCertificate}). */
    private static final String API_SERVER_HOST = "localhost";

    final CertificateAuthority kafkaClusterCa = CertificateAuthority.create("nais-pg cluster CA", Duration.ofHours(4));
    final CertificateAuthority kafkaClientsCa = CertificateAuthority.create("nais-pg clients CA", Duration.ofHours(4));
    final KafkaBroker kafka;
    final Infrastructure shared = Infrastructure.shared().require(false, true, true, true);
    final OidcIssuer oidc = shared.oidc();
    final S3Store s3 = shared.s3();
    private final MockWebServer apiServerHttp = new MockWebServer();
    private final KubernetesMockServer apiServer;
    private final Path apiServerCa;

    ConformanceInfrastructure() {
        kafka = KafkaBroker.startWithTls(
                kafkaClusterCa.issueServer("nais-pg-kafka-bootstrap", List.of(FreePorts.HOST, API_SERVER_HOST), Duration.ofHours(4)),
                kafkaClientsCa.certificate());
        apiServer = new KubernetesMockServer(new Context(), apiServerHttp, new HashMap<>(),
                new KubernetesCrudDispatcher(List.of()), true);
        try {
            apiServer.init(InetAddress.getByName(FreePorts.HOST), 0);
            apiServerCa = Path.of(apiServerHttp.getSelfSignedCertificate().certificatePath());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The manifests' endpoints, by environment variable, and what each is pointed at here. Every other
     * setting reaches the service as the manifests give it. (A database's JDBC URL is a Secret value,
     * made by {@link TestSecrets}, not a manifest value.) {@code DeploymentConformanceTest} checks that
     * each name here is one the manifests set, so the table cannot go stale unnoticed.
     */
    Map<String, String> endpointSubstitutions() {
        Map<String, String> table = new LinkedHashMap<>();
        table.put("KAFKA_BOOTSTRAP_SERVERS", kafka.tlsBootstrapServers());
        table.put("QUARKUS_OIDC_AUTH_SERVER_URL", oidc.issuerUrl());
        table.put("NAIS_ACCESS_GATEWAY_OIDC_ISSUER", oidc.issuerUrl());
        table.put("NAIS_BACKUP_STORAGE_ENDPOINT", s3.endpoint());
        return table;
    }

    /**
     * What the kubelet adds to a pod that mounts its service-account token: the API server's address
     * ({@code KUBERNETES_SERVICE_HOST/PORT}, here the test server). fabric8 reads the token, CA and
     * namespace at fixed paths under {@code /var/run/secrets/kubernetes.io/serviceaccount}; the files
     * are written under the pod's root like every mount, and fabric8's own settings for those paths
     * name them there (the path rule of {@link PodFilesystem}, applied through the library's knobs).
     */
    Map<String, String> kubeletApiServerEnvironment(Path serviceAccountDirectory) {
        return Map.of(
                "KUBERNETES_SERVICE_HOST", API_SERVER_HOST,
                "KUBERNETES_SERVICE_PORT", Integer.toString(apiServerHttp.getPort()),
                "KUBERNETES_AUTH_SERVICEACCOUNT_TOKEN", serviceAccountDirectory.resolve("token").toString(),
                "KUBERNETES_CERTS_CA_FILE", serviceAccountDirectory.resolve("ca.crt").toString(),
                "KUBENAMESPACE", serviceAccountDirectory.resolve("namespace").toString());
    }

    /** The service-account volume's files: a token (the test server takes any), the API server's CA, the namespace. */
    void writeServiceAccount(Path directory, String namespace) {
        try {
            Files.createDirectories(directory);
            Files.writeString(directory.resolve("token"), "conformance-test-token");
            Files.copy(apiServerCa, directory.resolve("ca.crt"));
            Files.writeString(directory.resolve("namespace"), namespace);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The topics the overlay's Strimzi {@code KafkaTopic}s make, as the Topic Operator would. */
    void createTopics(RenderedOverlay overlay) {
        List<String> names = overlay.custom("KafkaTopic").stream().map(ConformanceInfrastructure::topicName).toList();
        kafka.createTopics(names);
    }

    @SuppressWarnings("unchecked")
    private static String topicName(GenericKubernetesResource topic) {
        Map<String, Object> spec = (Map<String, Object>) topic.getAdditionalProperties().get("spec");
        Object name = spec == null ? null : spec.get("topicName");
        return name == null ? topic.getMetadata().getName() : name.toString();
    }

    @Override
    public void close() {
        apiServer.destroy();
        kafka.close();
    }
}
