package io.nais.pg.console.kubernetes;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.nais.pg.console.discovery.DesiredCluster;
import io.nais.pg.events.AdminSecretRefs;

/**
 * Maps a CloudNativePG {@code Cluster} resource (postgresql.cnpg.io/v1) to the
 * cluster it announces. Pure, like {@link ZalandoPostgresql}, and held to the
 * same ownership rule: the namespace is the owning team (a {@code Cluster} has
 * no team field at all), and cluster-id conflicts across both kinds are settled
 * by {@link io.nais.pg.console.discovery.ClusterClaims}.
 *
 * <ul>
 *   <li>app: the app label, else the resource name</li>
 *   <li>host {@code <name>-rw.<namespace>.svc} (the operator's read-write service, named in its server
 *       certificate), port 5432</li>
 *   <li>database: the database label, else {@code database} of the bootstrap method ({@code initdb},
 *       {@code recovery} or {@code pg_basebackup}), else CNPG's default {@code app}; its owner is the
 *       bootstrap's {@code owner}, else the database name (CNPG's default)</li>
 *   <li>version: the tag of {@code spec.imageName}, else of {@code status.image}, else
 *       {@code spec.imageCatalogRef.major}</li>
 *   <li>status: {@code status.phase}</li>
 *   <li>admin secret: a reference to the superuser secret ({@code spec.superuserSecret.name}, else
 *       {@code <name>-superuser}, which CNPG creates with {@code enableSuperuserAccess: true}) and to the
 *       server CA ({@code spec.certificates.serverCASecret}, else {@code <name>-ca}, key {@code ca.crt});
 *       never their content</li>
 * </ul>
 */
public final class CloudNativePgCluster {

    public static final String API_VERSION = "postgresql.cnpg.io/v1";
    public static final String KIND = "Cluster";
    static final int PORT = 5432;
    static final String DEFAULT_DATABASE = "app";

    /** Named in full, so the client needs no API discovery (and RBAC needs nothing beyond the resource). */
    public static final ResourceDefinitionContext CONTEXT = new ResourceDefinitionContext.Builder()
            .withGroup("postgresql.cnpg.io").withVersion("v1").withKind(KIND).withPlural("clusters")
            .withNamespaced(true).build();

    /** The version at the start of an image tag: {@code 16.2} of {@code …/postgresql:16.2-bookworm@sha256:…}. */
    private static final Pattern TAG_VERSION = Pattern.compile(":(\\d+(?:\\.\\d+)*)[^:/]*$");

    private CloudNativePgCluster() {
    }

    public static Optional<DesiredCluster> toCluster(String namespace, String name, Map<String, String> labels,
                                                     Map<String, Object> spec, Map<String, Object> status,
                                                     KubernetesConfig config) {
        Map<String, String> safeLabels = labels == null ? Map.of() : labels;
        Map<String, Object> bootstrap = bootstrap(spec);
        String bootstrapDatabase = ResourceFields.text(bootstrap.get("database")).orElse(DEFAULT_DATABASE);
        String database = ResourceFields.databaseLabel(safeLabels, config).orElse(bootstrapDatabase);
        String owner = database.equals(bootstrapDatabase)
                ? ResourceFields.text(bootstrap.get("owner")).orElse(database) : database;
        return Optional.of(new DesiredCluster(namespace, ResourceFields.app(name, safeLabels, config),
                name + "-rw." + namespace + ".svc", PORT, database, owner, List.of("public"),
                adminSecretRef(namespace, name, spec), pgVersion(spec, status),
                ResourceFields.text(status == null ? null : status.get("phase")).orElse(null)));
    }

    /** The superuser secret and the server CA secret: references only. */
    static String adminSecretRef(String namespace, String name, Map<String, Object> spec) {
        String superuser = ResourceFields.text(ResourceFields.object(spec, "superuserSecret").get("name"))
                .orElse(name + "-superuser");
        String ca = ResourceFields.text(ResourceFields.object(spec, "certificates").get("serverCASecret"))
                .orElse(name + "-ca");
        return AdminSecretRefs.kubernetes(namespace, superuser, Optional.of(ca));
    }

    /** The bootstrap method's settings: a cluster is bootstrapped by exactly one of them. */
    private static Map<String, Object> bootstrap(Map<String, Object> spec) {
        Map<String, Object> bootstrap = ResourceFields.object(spec, "bootstrap");
        return Stream.of("initdb", "recovery", "pg_basebackup").map(method -> ResourceFields.object(bootstrap, method))
                .filter(settings -> !settings.isEmpty()).findFirst().orElse(Map.of());
    }

    private static String pgVersion(Map<String, Object> spec, Map<String, Object> status) {
        return Stream.of(spec == null ? null : spec.get("imageName"), status == null ? null : status.get("image"))
                .map(ResourceFields::text).flatMap(Optional::stream).map(CloudNativePgCluster::tagVersion)
                .flatMap(Optional::stream).findFirst()
                .or(() -> ResourceFields.text(ResourceFields.object(spec, "imageCatalogRef").get("major")))
                .orElse("unknown");
    }

    private static Optional<String> tagVersion(String image) {
        String withoutDigest = image.contains("@") ? image.substring(0, image.indexOf('@')) : image;
        Matcher matcher = TAG_VERSION.matcher(withoutDigest);
        return matcher.find() ? Optional.of(matcher.group(1)) : Optional.empty();
    }
}
