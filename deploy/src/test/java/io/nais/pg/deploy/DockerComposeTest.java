package io.nais.pg.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * docker-compose.yml parses (SnakeYAML, which resolves the {@code <<:} merge
 * keys Compose uses), runs the infrastructure, and builds every service from
 * the repository with the keys production needs (the manifests' checks) and the
 * manifests' one issuer and audience.
 */
class DockerComposeTest {

    /**
     * Keys production must set that compose leaves to the service's local default: without TLS and CA
     * files the gateway makes throwaway ones (README, "Run it with Docker": local use only).
     */
    static final Set<String> LOCAL_DEFAULTS = Set.of("nais.access.gateway.tls.cert-file", "nais.access.gateway.tls.key-file",
            "nais.access.gateway.ca.cert-file", "nais.access.gateway.ca.key-file");

    @Test
    void composeFileBuildsEveryServiceFromTheRepositoryWithEveryKeyProductionNeeds() {
        Map<String, Map<String, Object>> services = services();
        for (String service : KustomizeOverlaysTest.SERVICES) {
            Map<String, Object> definition = services.get(service);
            assertThat(definition).as(service).isNotNull();
            Map<?, ?> build = (Map<?, ?>) definition.get("build");
            assertThat(((Map<?, ?>) build.get("args")).get("SERVICE")).isEqualTo(Repository.module(service));
            assertThat(Files.isRegularFile(Repository.ROOT.resolve((String) build.get("dockerfile")))).isTrue();
            assertThat(Files.isDirectory(Repository.ROOT.resolve(Repository.module(service)))).isTrue();
            @SuppressWarnings("unchecked")
            Map<String, Object> env = (Map<String, Object>) definition.get("environment");
            for (String key : ServiceConfig.CONTRACT_KEYS) {
                assertThat(env).as(service).containsKey(ServiceConfig.envName(key));
            }
            for (String key : ServiceConfig.requiredInProd(service)) {
                if (!LOCAL_DEFAULTS.contains(key)) {
                    assertThat(env).as(service + " needs " + key).containsKey(ServiceConfig.envName(key));
                }
            }
        }
    }

    /** A token from the compose issuer works at the gateway and at every API, with the audience of the manifests. */
    @Test
    @SuppressWarnings("unchecked")
    void composeGivesTheGatewayAndEveryApiTheSameIssuerAndAudience() {
        Map<String, Map<String, Object>> services = services();
        List<OidcSettings> verifiers = KustomizeOverlaysTest.SERVICES.stream()
                .flatMap(service -> OidcSettings.of(service,
                        ProvidedConfig.ofCompose((Map<String, Object>) services.get(service).get("environment"))).stream())
                .toList();
        assertThat(verifiers).extracting(OidcSettings::service).contains(KustomizeOverlaysTest.SERVICES.stream()
                .filter(service -> !KustomizeOverlaysTest.UNCALLED.contains(service)).toArray(String[]::new));
        assertThat(OidcSettings.disagreements(verifiers)).isEmpty();
    }

    @Test
    void composeFileRunsKafkaPostgresTheIssuerAndAnS3Store() {
        Map<String, Map<String, Object>> services = services();
        List<String> images = services.values().stream().filter(s -> s.containsKey("image"))
                .map(s -> ((String) s.get("image")).replaceAll(":.*", "")).toList();
        assertThat(images).contains("apache/kafka", "postgres", "ghcr.io/navikt/mock-oauth2-server", "minio/minio");
        assertThat(((Map<?, ?>) services.get("kafka").get("environment")).get("KAFKA_PROCESS_ROLES")).isEqualTo("broker,controller");
        services.values().stream().filter(s -> s.containsKey("volumes"))
                .flatMap(s -> ((List<?>) s.get("volumes")).stream())
                .map(v -> ((String) v).split(":")[0])
                .forEach(host -> assertThat(Files.exists(Repository.ROOT.resolve(host))).as(host).isTrue());
    }

    @SuppressWarnings("unchecked")
    static Map<String, Map<String, Object>> services() {
        Map<String, Object> compose = new Yaml().load(Repository.read(Repository.ROOT.resolve("docker-compose.yml")));
        return (Map<String, Map<String, Object>>) compose.get("services");
    }
}
