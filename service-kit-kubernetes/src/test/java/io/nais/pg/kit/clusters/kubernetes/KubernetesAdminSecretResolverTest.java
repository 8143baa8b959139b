package io.nais.pg.kit.clusters.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.nais.pg.kit.clusters.AdminCredentials;

/**
 * The {@code k8s:} resolver against the fabric8 Kubernetes API test server in CRUD mode: it reads the
 * operator's secret by name, serves later resolves from its cache, follows a rotation, writes the cluster's CA
 * to a private file, names the reference (never a value) when something is missing, and never lists secrets.
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesAdminSecretResolverTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String PEM = "-----BEGIN CERTIFICATE-----\nMIIBcluster-a-ca\n-----END CERTIFICATE-----\n";

    static KubernetesClient client;
    static KubernetesMockServer server;

    private final String namespace = "team-" + UUID.randomUUID().toString().substring(0, 8);
    private KubernetesAdminSecretResolver resolver;

    @BeforeEach
    void newResolver() throws InterruptedException {
        resolver = new KubernetesAdminSecretResolver(() -> client);
        drainRecordedRequests();
    }

    @AfterEach
    void stopWatching() {
        resolver.stopWatching();
    }

    @Test
    void readsTheOperatorsSecretByNameAndServesLaterResolvesFromTheCache() throws InterruptedException {
        create(secret("orders-superuser", Map.of("username", "postgres", "password", "first-password")));
        drainRecordedRequests();

        AdminCredentials first = resolve("k8s:" + namespace + "/orders-superuser");
        for (int i = 0; i < 5; i++) {
            assertThat(resolve("k8s:" + namespace + "/orders-superuser")).isEqualTo(first);
        }

        assertThat(first.username()).isEqualTo("postgres");
        assertThat(first.password()).isEqualTo("first-password");
        assertThat(first.sslRootCert()).isNull(); // no ca=: the platform's bundle applies
        List<RecordedRequest> requests = drainRecordedRequests();
        assertThat(requests).filteredOn(r -> r.getMethod().equals("GET")
                        && r.getPath().equals("/api/v1/namespaces/" + namespace + "/secrets/orders-superuser"))
                .hasSize(1);
    }

    @Test
    void aRotatedPasswordIsServedOnTheNextResolve() {
        create(secret("postgres.orders.credentials.postgresql.acid.zalan.do",
                Map.of("username", "postgres", "password", "before-rotation")));
        String ref = "k8s:" + namespace + "/postgres.orders.credentials.postgresql.acid.zalan.do";
        assertThat(resolve(ref).password()).isEqualTo("before-rotation");

        client.secrets().inNamespace(namespace).resource(secret("postgres.orders.credentials.postgresql.acid.zalan.do",
                Map.of("username", "postgres", "password", "after-rotation"))).update();

        await().atMost(WAIT).untilAsserted(() -> assertThat(resolve(ref).password()).isEqualTo("after-rotation"));
    }

    @Test
    void aDeletedAndRecreatedSecretIsReadAgain() {
        create(secret("orders-superuser", Map.of("username", "postgres", "password", "old")));
        String ref = "k8s:" + namespace + "/orders-superuser";
        assertThat(resolve(ref).password()).isEqualTo("old");

        client.secrets().inNamespace(namespace).withName("orders-superuser").delete();
        await().atMost(WAIT).untilAsserted(() -> assertThatThrownBy(() -> resolve(ref))
                .hasMessageContaining("does not exist"));
        create(secret("orders-superuser", Map.of("username", "postgres", "password", "new")));

        assertThat(resolve(ref).password()).isEqualTo("new");
    }

    @Test
    void theClustersCaIsWrittenToAFileOnlyTheServiceUserCanRead() throws Exception {
        create(secret("orders-superuser", Map.of("username", "postgres", "password", "pw")));
        create(secret("orders-ca", Map.of("ca.crt", PEM, "ca.key", "-----BEGIN PRIVATE KEY-----")));

        AdminCredentials admin = resolve("k8s:" + namespace + "/orders-superuser?ca=orders-ca");

        assertThat(admin.sslRootCert()).isAbsolute();
        assertThat(Files.readString(admin.sslRootCert())).isEqualTo(PEM);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(admin.sslRootCert())))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(admin.sslRootCert().getParent())))
                .isEqualTo("rwx------");

        String rotated = PEM.replace("cluster-a-ca", "cluster-a-ca-2");
        client.secrets().inNamespace(namespace).resource(secret("orders-ca", Map.of("ca.crt", rotated))).update();
        await().atMost(WAIT).untilAsserted(() -> assertThat(
                Files.readString(resolve("k8s:" + namespace + "/orders-superuser?ca=orders-ca").sslRootCert()))
                .isEqualTo(rotated));
    }

    @Test
    void aMissingSecretOrKeyIsNamedWithItsReferenceNeverWithAValue() {
        String missing = "k8s:" + namespace + "/orders-superuser";
        assertThatThrownBy(() -> resolve(missing))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(missing).hasMessageContaining("does not exist");

        create(secret("no-username", Map.of("password", "hunter2-secret")));
        assertThatThrownBy(() -> resolve("k8s:" + namespace + "/no-username"))
                .hasMessageContaining("k8s:" + namespace + "/no-username").hasMessageContaining("username")
                .message().doesNotContain("hunter2-secret");

        create(secret("orders-admin", Map.of("username", "postgres", "password", "hunter2-secret")));
        assertThatThrownBy(() -> resolve("k8s:" + namespace + "/orders-admin?ca=orders-ca"))
                .hasMessageContaining("orders-ca").hasMessageContaining("does not exist")
                .message().doesNotContain("hunter2-secret");
        create(secret("not-a-ca", Map.of("ca.crt", "hunter2-secret")));
        assertThatThrownBy(() -> resolve("k8s:" + namespace + "/orders-admin?ca=not-a-ca"))
                .hasMessageContaining("not a PEM certificate")
                .message().doesNotContain("hunter2-secret");
    }

    /** RBAC grants named secrets only; a resolver that listed secrets would be refused in production. */
    @Test
    void everyRequestNamesTheSecretItReads() throws InterruptedException {
        create(secret("orders-superuser", Map.of("username", "postgres", "password", "pw")));
        create(secret("orders-ca", Map.of("ca.crt", PEM)));
        create(secret("unrelated", Map.of("token", "other")));
        drainRecordedRequests();

        resolve("k8s:" + namespace + "/orders-superuser?ca=orders-ca");
        resolve("k8s:" + namespace + "/orders-superuser?ca=orders-ca");

        List<RecordedRequest> requests = drainRecordedRequests();
        assertThat(requests).isNotEmpty().allSatisfy(request -> assertThat(request.getPath()).matches(
                "/api/v1/namespaces/" + namespace + "/secrets(/(orders-superuser|orders-ca)"
                        + "|\\?.*fieldSelector=metadata\\.name%3D(orders-superuser|orders-ca).*watch=true.*)"));
    }

    private AdminCredentials resolve(String ref) {
        return resolver.resolve(URI.create(ref));
    }

    private void create(Secret secret) {
        client.secrets().inNamespace(namespace).resource(secret).create();
    }

    private Secret secret(String name, Map<String, String> values) {
        Map<String, String> data = new LinkedHashMap<>();
        values.forEach((key, value) -> data.put(key,
                Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8))));
        return new SecretBuilder().withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
                .withData(data).build();
    }

    /** Everything the server received so far, in order (the count says how many are queued: no waiting). */
    private static List<RecordedRequest> drainRecordedRequests() throws InterruptedException {
        List<RecordedRequest> requests = new ArrayList<>();
        int taken = 0;
        while (server.getRequestCount() > taken + alreadyTaken) {
            requests.add(server.takeRequest());
            taken++;
        }
        alreadyTaken += taken;
        return requests;
    }

    private static int alreadyTaken;
}
