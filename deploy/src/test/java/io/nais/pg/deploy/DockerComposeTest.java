package io.nais.pg.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
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
        for (var deployment : KustomizeOverlaysTest.DEPLOYMENTS.entrySet()) {
            String service = deployment.getKey();
            String module = deployment.getValue();
            Map<String, Object> definition = services.get(service);
            assertThat(definition).as(service).isNotNull();
            Map<?, ?> build = (Map<?, ?>) definition.get("build");
            assertThat(((Map<?, ?>) build.get("args")).get("SERVICE")).isEqualTo(module);
            assertThat(Files.isRegularFile(Repository.ROOT.resolve((String) build.get("dockerfile")))).isTrue();
            assertThat(Files.isDirectory(Repository.ROOT.resolve(module))).isTrue();
            @SuppressWarnings("unchecked")
            Map<String, Object> env = (Map<String, Object>) definition.get("environment");
            for (String key : ServiceConfig.CONTRACT_KEYS) {
                assertThat(env).as(service).containsKey(ServiceConfig.envName(key));
            }
            for (String key : ServiceConfig.requiredInProd(module)) {
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

    /**
     * The one issuer compose's verifiers expect is the one compose runs: its name is the address the
     * CLI reaches it at (the published port on localhost), and every verifier fetches its keys from
     * the same issuer inside the network (service {@code oidc}, the same path).
     */
    @Test
    @SuppressWarnings("unchecked")
    void composeVerifiersExpectTheIssuerComposeRunsAndFetchItsKeysFromIt() {
        Map<String, Map<String, Object>> services = services();
        Map<String, Object> oidc = services.get("oidc");
        String port = String.valueOf(((Map<String, Object>) oidc.get("environment")).get("SERVER_PORT"));
        assertThat((List<String>) oidc.get("ports")).contains(port + ":" + port);
        for (String service : KustomizeOverlaysTest.SERVICES) {
            ProvidedConfig compose = ProvidedConfig.ofCompose((Map<String, Object>) services.get(service).get("environment"));
            for (OidcSettings verifier : OidcSettings.of(service, compose)) {
                URI issuer = URI.create(verifier.issuer().orElseThrow());
                assertThat(issuer.getHost() + ":" + issuer.getPort()).as(verifier.toString()).isEqualTo("localhost:" + port);
                String keys = verifier.verifier().equals("gateway")
                        ? compose.literals().get("NAIS_ACCESS_GATEWAY_OIDC_JWKS_URI")
                        : compose.literals().get(ServiceConfig.envName(OidcSettings.AUTH_SERVER_URL));
                assertThat(keys).as(verifier + ": where its keys come from")
                        .startsWith("http://oidc:" + port + issuer.getPath());
            }
        }
    }

    /**
     * Settings the manifests give a service that compose leaves out, each for a reason of the
     * environment (a regular expression over the variable name, and why).
     */
    static final Map<String, String> MANIFESTS_ONLY = Map.of(
            "KAFKA_SSL_.*", "compose's broker listens in plaintext (KAFKA_SECURITY_PROTOCOL is set in both)",
            "NAIS_ACCESS_GATEWAY_(TLS|CA)_(CERT|KEY)_FILE", "compose's gateway makes throwaway TLS and CA files (LOCAL_DEFAULTS)",
            "QUARKUS_SHUTDOWN_TIMEOUT|NAIS_ACCESS_GATEWAY_DRAIN_TIMEOUT", "sized to a Deployment's preStop pause and grace period",
            "NAIS_ACCESS_GATEWAY_AUDIT_SPOOL_DIRECTORY", "a volume in Kubernetes; compose keeps the default under its /tmp tmpfs");

    /** Settings compose gives a service that the manifests do not, and why. */
    static final Map<String, String> COMPOSE_ONLY = Map.of(
            "QUARKUS_OIDC_TOKEN_ISSUER|NAIS_ACCESS_GATEWAY_OIDC_JWKS_URI",
            "compose's issuer is reached as oidc:8080 but names itself localhost:8080, the address the CLI uses",
            "NAIS_CONSOLE_DISCOVERY_FILE", "clusters from a file: compose has no Kubernetes (ServiceConfigKeysTest.LOCAL_ONLY)");

    /**
     * Compose and the manifests set the same settings for each service, but for the documented
     * differences above, the key family of a token verifier the service does not have (the shared
     * ConfigMap nais-pg-oidc gives every service both), and a manifest value that only writes out the
     * service's own default.
     */
    @Test
    @SuppressWarnings("unchecked")
    void composeGivesEachServiceTheSettingsItsDeploymentGivesItSaveTheDocumentedDifferences() {
        RenderedOverlay prod = RenderedOverlay.render("prod");
        Map<String, Map<String, Object>> services = services();
        for (String service : KustomizeOverlaysTest.SERVICES) {
            ProvidedConfig manifests = ProvidedConfig.of(prod, prod.deployment(service));
            ProvidedConfig compose = ProvidedConfig.ofCompose((Map<String, Object>) services.get(service).get("environment"));
            assertThat(differences(service, manifests, compose, MANIFESTS_ONLY)).as(service + ": set by the manifests, not by compose")
                    .isEmpty();
            assertThat(differences(service, compose, manifests, COMPOSE_ONLY)).as(service + ": set by compose, not by the manifests")
                    .isEmpty();
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void aSettingComposeLacksIsReported() {
        RenderedOverlay prod = RenderedOverlay.render("prod");
        Map<String, Object> environment = new HashMap<>(
                (Map<String, Object>) services().get("console-sync-service").get("environment"));
        environment.remove("QUARKUS_OIDC_AUTH_SERVER_URL");
        assertThat(differences("console-sync-service", ProvidedConfig.of(prod, prod.deployment("console-sync-service")),
                ProvidedConfig.ofCompose(environment), MANIFESTS_ONLY)).containsExactly("QUARKUS_OIDC_AUTH_SERVER_URL");
    }

    /** The variables {@code from} sets that {@code other} does not, less those {@code mayDiffer} explains. */
    private static Set<String> differences(String service, ProvidedConfig from, ProvidedConfig other,
            Map<String, String> mayDiffer) {
        Set<String> missing = new TreeSet<>(from.envNames());
        missing.removeAll(other.envNames());
        missing.removeIf(name -> mayDiffer.keySet().stream().anyMatch(name::matches));
        missing.removeIf(name -> !verifierKeysOf(service).test(name));
        Properties defaults = ServiceConfig.prodView(Repository.read(ServiceConfig.applicationProperties(service)));
        missing.removeIf(name -> defaults.stringPropertyNames().stream().anyMatch(key -> ServiceConfig.envName(key).equals(name)
                && defaults.getProperty(key).equals(from.literals().get(name))));
        return missing;
    }

    /** False for the keys of a token verifier the service does not have (the gateway's, quarkus-oidc's). */
    private static Predicate<String> verifierKeysOf(String service) {
        boolean gateway = ServiceConfig.requiredInProd(service).contains(OidcSettings.GATEWAY_ISSUER);
        boolean quarkusOidc = ServiceConfig.usesQuarkusOidc(service);
        return name -> !(name.startsWith("NAIS_ACCESS_GATEWAY_OIDC_") && !gateway)
                && !(name.startsWith("QUARKUS_OIDC_") && !quarkusOidc);
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
