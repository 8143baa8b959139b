package io.nais.pg.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every key a service needs in production is set in its Deployment, in every overlay. */
class ServiceConfigKeysTest {

    /**
     * Keys production must not set: clusters come from Kubernetes there, not
     * from a file.
     */
    static final Map<String, Set<String>> LOCAL_ONLY = Map.of(
            "console-sync-service", Set.of("nais.console.discovery.file"));

    static Stream<RenderedOverlay> overlays() {
        return KustomizeOverlaysTest.overlays();
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyKeyAServiceNeedsInProdIsSetInItsDeployment(RenderedOverlay overlay) {
        for (String service : KustomizeOverlaysTest.SERVICES) {
            Set<String> provided = ProvidedConfig.of(overlay, overlay.deployment(service)).envNames();
            Set<String> localOnly = LOCAL_ONLY.getOrDefault(service, Set.of());
            for (String key : ServiceConfig.requiredInProd(service)) {
                String env = ServiceConfig.envName(key);
                assertThat(provided).as(overlay + "/" + service + " needs " + key + " as " + env).contains(env);
            }
            for (String key : localOnly) {
                assertThat(provided).as(overlay + "/" + service + " must not set the local-only " + key)
                        .doesNotContain(ServiceConfig.envName(key));
            }
        }
    }

    @Test
    void requiredKeysComeFromTheServicesConfigMappingsAndDocumentedExamples() {
        // guards the reading itself: if it found nothing, the check above would pass vacuously
        assertThat(ServiceConfig.requiredInProd("backup-service")).contains(
                "nais.backup.storage.bucket", "nais.backup.storage.access-key-id",
                "nais.backup.storage.secret-access-key", "nais.backup.encryption.recipients",
                "kafka.bootstrap.servers", "quarkus.datasource.jdbc.url");
        assertThat(ServiceConfig.requiredInProd("backup-service"))
                .as("keys with a default are not required").doesNotContain("nais.backup.schedule.cron", "nais.backup.storage.region");
        assertThat(ServiceConfig.requiredInProd("access-service")).contains(
                "nais.access.gateway.oidc.issuer", "nais.access.gateway.oidc.audience",
                "nais.access.gateway.tls.cert-file", "nais.access.gateway.ca.key-file");
    }
}
