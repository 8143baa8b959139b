package io.nais.pg.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One grammar for {@code adminSecretRef}: the records and the JSON Schema accept and refuse the same references,
 * and a {@code k8s:} reference names a namespace, a secret and at most a CA secret, nothing else.
 */
class AdminSecretRefsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest
    @ValueSource(strings = {
            "file:/run/secrets/admin.properties",
            "k8s:team-a/postgres.orders.credentials.postgresql.acid.zalan.do",
            "k8s:team-a/orders-superuser?ca=orders-ca",
            "k8s:team-a/postgres.orders.credentials.postgresql.acid.zalan.do?ca=orders-tls-ca"})
    void documentedReferencesAreAcceptedByRecordAndSchema(String ref) {
        assertThat(AdminSecretRefs.isValid(ref)).isTrue();
        assertThat(schemaAccepts(ref)).isTrue();
        cluster(ref); // does not throw
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "k8s:team-a",
            "k8s:Team-A/orders-superuser",
            "k8s:team-a/orders-superuser/extra",
            "k8s:team-a/orders-superuser?ca=orders-ca&password=hunter2",
            "k8s:team-a/orders-superuser?password=hunter2",
            "k8s:../kube-system/orders",
            "k8s:team-a/orders superuser",
            "postgres://admin:hunter2@host/db"})
    void anythingElseIsRefusedByRecordAndSchemaWithoutEchoingIt(String ref) {
        assertThat(AdminSecretRefs.isValid(ref)).isFalse();
        assertThat(schemaAccepts(ref)).isFalse();
        assertThatThrownBy(() -> cluster(ref)).isInstanceOf(IllegalArgumentException.class)
                .message().doesNotContain(ref);
    }

    @ParameterizedTest
    @ValueSource(strings = {"k8s:team-a/orders-superuser", "k8s:team-a/orders-superuser?ca=orders-ca"})
    void aBuiltReferenceParsesBackToItsParts(String ref) {
        AdminSecretRefs.KubernetesRef parsed = AdminSecretRefs.parseKubernetes(ref);

        assertThat(AdminSecretRefs.kubernetes(parsed.namespace(), parsed.secret(), parsed.caSecret())).isEqualTo(ref);
        assertThat(parsed.namespace()).isEqualTo("team-a");
        assertThat(parsed.secret()).isEqualTo("orders-superuser");
        assertThat(parsed.caSecret()).isEqualTo(ref.contains("?ca=") ? Optional.of("orders-ca") : Optional.empty());
    }

    private static boolean schemaAccepts(String ref) {
        ObjectNode data = JSON.valueToTree(new ClusterDiscovered("team-a/demo-app", "team-a", "demo-app", "h", 5432,
                "app", "app_owner", List.of("public"), "file:/placeholder", "15", "Running"));
        data.put("adminSecretRef", ref);
        return EventSchemas.checkData(EventTypes.of(ClusterDiscovered.class), data).isEmpty();
    }

    private static ClusterDiscovered cluster(String adminSecretRef) {
        return new ClusterDiscovered("team-a/demo-app", "team-a", "demo-app", "h", 5432, "app", "app_owner",
                List.of("public"), adminSecretRef, "15", "Running");
    }
}
