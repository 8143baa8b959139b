package io.nais.pg.console.kubernetes;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.nais.pg.console.discovery.DesiredCluster;
import io.nais.pg.console.discovery.RefusedClaim;
import io.nais.pg.events.AdminSecretRefs;

/**
 * Maps a Zalando {@code postgresql} resource (acid.zalan.do/v1) to the cluster
 * it announces. Pure: the resource arrives as plain maps (the generic
 * resource's metadata, spec and status), so it is tested without Kubernetes.
 *
 * <ul>
 *   <li>team: the namespace. The platform creates one namespace per team, named after it, and a team can
 *       write only in its own; {@code spec.teamId} is written by the team, so it never decides ownership. A
 *       resource whose {@code spec.teamId} names another team is refused ({@link #refusal}), never read as
 *       a cluster of either team</li>
 *   <li>app: the app label, else the resource name</li>
 *   <li>host {@code <name>.<namespace>.svc} (the operator's master service), port 5432</li>
 *   <li>database: the database label, else the only or the app-named entry of
 *       {@code spec.databases}, else the first by name; its owner is the application role</li>
 *   <li>admin secret: a reference to the operator's secret of the {@code postgres} superuser
 *       ({@code <user>.<cluster>.credentials.postgresql.acid.zalan.do}), and to the CA secret
 *       {@code spec.tls.caSecretName} (key {@code ca.crt}) when the resource names one; never their content</li>
 * </ul>
 */
public final class ZalandoPostgresql {

    public static final String API_VERSION = "acid.zalan.do/v1";
    public static final String KIND = "postgresql";
    static final int PORT = 5432;
    /** The superuser whose secret the operator writes: {@code <user>.<cluster>.credentials.postgresql.acid.zalan.do}. */
    static final String SUPERUSER = "postgres";

    /** Named in full, so the client needs no API discovery (and RBAC needs nothing beyond the resource). */
    public static final ResourceDefinitionContext CONTEXT = new ResourceDefinitionContext.Builder()
            .withGroup("acid.zalan.do").withVersion("v1").withKind(KIND).withPlural("postgresqls")
            .withNamespaced(true).build();

    private ZalandoPostgresql() {
    }

    public static Optional<DesiredCluster> toCluster(String namespace, String name, Map<String, String> labels,
                                                     Map<String, Object> spec, Map<String, Object> status,
                                                     KubernetesConfig config) {
        Map<String, String> safeLabels = labels == null ? Map.of() : labels;
        Map<String, Object> safeSpec = spec == null ? Map.of() : spec;
        String team = namespace;
        String app = ResourceFields.app(name, safeLabels, config);
        Map<String, String> databases = databases(safeSpec);
        String database = ResourceFields.databaseLabel(safeLabels, config).orElseGet(() -> pickDatabase(databases, app));
        if (database == null) {
            return Optional.empty(); // no database to offer yet: not a usable cluster
        }
        String owner = Optional.ofNullable(databases.get(database)).orElse(database);
        return Optional.of(new DesiredCluster(team, app, name + "." + namespace + ".svc", PORT, database, owner,
                List.of("public"), adminSecretRef(namespace, name, safeSpec), pgVersion(safeSpec), clusterStatus(status)));
    }

    /**
     * Why the resource may not announce a cluster at all, or empty: its {@code spec.teamId} names another team
     * than its namespace, so it claims a cluster id of a team it does not belong to.
     */
    public static Optional<RefusedClaim> refusal(String namespace, String name, Map<String, String> labels,
                                                 Map<String, Object> spec, KubernetesConfig config) {
        Optional<String> teamId = ResourceFields.text(spec == null ? null : spec.get("teamId"));
        if (teamId.isEmpty() || teamId.get().equals(namespace)) {
            return Optional.empty();
        }
        String claimed = teamId.get() + "/" + ResourceFields.app(name, labels == null ? Map.of() : labels, config);
        return Optional.of(new RefusedClaim(name + "." + namespace + ".svc", claimed, namespace,
                RefusedClaim.TEAM_NOT_NAMESPACE, "spec.teamId \"" + teamId.get() + "\" is not the team of namespace \""
                        + namespace + "\"; the namespace decides the owning team"));
    }

    /** The Zalando operator's secret for the {@code postgres} superuser, and the cluster's CA: references only. */
    static String adminSecretRef(String namespace, String name, Map<String, Object> spec) {
        return AdminSecretRefs.kubernetes(namespace, SUPERUSER + "." + name + ".credentials.postgresql.acid.zalan.do",
                ResourceFields.text(ResourceFields.object(spec, "tls").get("caSecretName")));
    }

    private static Map<String, String> databases(Map<String, Object> spec) {
        Map<String, String> databases = new TreeMap<>();
        if (spec.get("databases") instanceof Map<?, ?> map) {
            map.forEach((db, owner) -> databases.put(db.toString(), owner == null ? null : owner.toString()));
        }
        return databases;
    }

    private static String pickDatabase(Map<String, String> databases, String app) {
        if (databases.containsKey(app)) {
            return app;
        }
        return databases.isEmpty() ? null : databases.keySet().iterator().next();
    }

    private static String pgVersion(Map<String, Object> spec) {
        if (spec.get("postgresql") instanceof Map<?, ?> postgresql) {
            return ResourceFields.text(postgresql.get("version")).orElse("unknown");
        }
        return "unknown";
    }

    private static String clusterStatus(Map<String, Object> status) {
        return status == null ? null : ResourceFields.text(status.get("PostgresClusterStatus")).orElse(null);
    }
}
