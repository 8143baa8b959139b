package io.nais.pg.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
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
        for (var deployment : KustomizeOverlaysTest.DEPLOYMENTS.entrySet()) {
            String service = deployment.getKey();
            Set<String> provided = ProvidedConfig.of(overlay, overlay.deployment(service)).envNames();
            Set<String> localOnly = LOCAL_ONLY.getOrDefault(deployment.getValue(), Set.of());
            for (String key : ServiceConfig.requiredInProd(deployment.getValue())) {
                String env = ServiceConfig.envName(key);
                assertThat(provided).as(overlay + "/" + service + " needs " + key + " as " + env).contains(env);
            }
            for (String key : localOnly) {
                assertThat(provided).as(overlay + "/" + service + " must not set the local-only " + key)
                        .doesNotContain(ServiceConfig.envName(key));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void theGatewayAndEveryApiAcceptTheSameLoginToken(RenderedOverlay overlay) {
        List<OidcSettings> verifiers = KustomizeOverlaysTest.SERVICES.stream()
                .flatMap(service -> OidcSettings.of(service, ProvidedConfig.of(overlay, overlay.deployment(service))).stream())
                .toList();
        assertThat(verifiers).extracting(OidcSettings::service).contains(KustomizeOverlaysTest.SERVICES.stream()
                .filter(service -> !KustomizeOverlaysTest.UNCALLED.contains(service)).toArray(String[]::new));
        assertThat(OidcSettings.disagreements(verifiers)).as(overlay.name()).isEmpty();
    }

    @Test
    void verifiersThatDisagreeOnIssuerOrAudienceAreReported() {
        var gateway = new OidcSettings("access-service", "gateway", Optional.of("https://a"), Optional.of("nais-pg"));
        var otherIssuer = new OidcSettings("dba-grant-service", "quarkus-oidc", Optional.of("https://b"), Optional.of("nais-pg"));
        var otherAudience = new OidcSettings("backup-service", "quarkus-oidc", Optional.of("https://a"), Optional.of("nais-postgres"));
        var unset = new OidcSettings("console-sync-service", "quarkus-oidc", Optional.empty(), Optional.of("nais-pg"));
        assertThat(OidcSettings.disagreements(List.of(gateway, otherIssuer))).singleElement().asString().contains("more than one issuer");
        assertThat(OidcSettings.disagreements(List.of(gateway, otherAudience))).singleElement().asString().contains("audience");
        assertThat(OidcSettings.disagreements(List.of(gateway, unset))).singleElement().asString().contains("unset");
    }

    @Test
    void aServiceWithQuarkusOidcNeedsAnAuthServerUrlAndAnAudience() {
        // quarkus-oidc refuses to start outside dev mode without auth-server-url, which no service's properties
        // set; the audience each REST service's properties fix (nais-pg) need not come from the environment
        assertThat(ServiceConfig.requiredInProd("console-sync-service")).contains("quarkus.oidc.auth-server-url")
                .doesNotContain("quarkus.oidc.token.audience");
        assertThat(ServiceConfig.requiredInProd("dba-grant-service")).contains("quarkus.oidc.auth-server-url");
        assertThat(ServiceConfig.requiredOidc("access-service")).as("no quarkus-oidc in access-service").isEmpty();
    }

    @Test
    void requiredKeysComeFromTheServicesConfigMappingsAndDocumentedExamples() {
        // guards the reading itself: if it found nothing, the check above would pass vacuously
        assertThat(ServiceConfig.requiredInProd("backup-service")).contains(
                "nais.backup.storage.bucket", "nais.backup.storage.access-key-id",
                "nais.backup.storage.secret-access-key", "nais.backup.mode",
                "kafka.bootstrap.servers", "quarkus.datasource.jdbc.url");
        assertThat(ServiceConfig.requiredInProd("backup-service"))
                .as("keys with a default are not required").doesNotContain("nais.backup.schedule.cron", "nais.backup.storage.region");
        assertThat(ServiceConfig.requiredInProd("access-gateway")).contains("nais.access.mode",
                "nais.access.gateway.oidc.issuer", "nais.access.gateway.oidc.audience",
                "nais.access.gateway.tls.cert-file", "nais.access.gateway.ca.key-file");
    }
}
