package io.nais.pg.console.kubernetes;

import java.util.Map;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.nais.pg.console.discovery.DesiredCluster;
import io.nais.pg.console.discovery.RefusedClaim;

/**
 * The PostgreSQL operators whose cluster resources the source watches
 * ({@code nais.console.kubernetes.operators}), each with its pure mapping.
 * Both are held to one ownership rule: the namespace is the team.
 */
public enum ClusterOperator {

    /** Zalando's {@code postgresql} (acid.zalan.do/v1). */
    ZALANDO(ZalandoPostgresql.CONTEXT) {
        @Override
        Optional<RefusedClaim> refusal(GenericKubernetesResource resource, KubernetesConfig config) {
            return ZalandoPostgresql.refusal(namespace(resource), resourceName(resource), labels(resource), spec(resource),
                    config);
        }

        @Override
        Optional<DesiredCluster> toCluster(GenericKubernetesResource resource, KubernetesConfig config) {
            return ZalandoPostgresql.toCluster(namespace(resource), resourceName(resource), labels(resource), spec(resource),
                    status(resource), config);
        }
    },

    /** CloudNativePG's {@code Cluster} (postgresql.cnpg.io/v1). */
    CLOUDNATIVE_PG(CloudNativePgCluster.CONTEXT) {
        @Override
        Optional<RefusedClaim> refusal(GenericKubernetesResource resource, KubernetesConfig config) {
            return Optional.empty(); // a Cluster names no team: nothing in it can contradict its namespace
        }

        @Override
        Optional<DesiredCluster> toCluster(GenericKubernetesResource resource, KubernetesConfig config) {
            return CloudNativePgCluster.toCluster(namespace(resource), resourceName(resource), labels(resource),
                    spec(resource), status(resource), config);
        }
    };

    private final ResourceDefinitionContext context;

    ClusterOperator(ResourceDefinitionContext context) {
        this.context = context;
    }

    /** The resource kind, named in full so the client needs no API discovery. */
    public ResourceDefinitionContext context() {
        return context;
    }

    /** Why the resource may not announce a cluster at all, or empty. */
    abstract Optional<RefusedClaim> refusal(GenericKubernetesResource resource, KubernetesConfig config);

    /** The cluster the resource announces, or empty when it has nothing to offer yet. */
    abstract Optional<DesiredCluster> toCluster(GenericKubernetesResource resource, KubernetesConfig config);

    private static String namespace(GenericKubernetesResource resource) {
        return resource.getMetadata().getNamespace();
    }

    private static String resourceName(GenericKubernetesResource resource) {
        return resource.getMetadata().getName();
    }

    private static Map<String, String> labels(GenericKubernetesResource resource) {
        return resource.getMetadata().getLabels();
    }

    private static Map<String, Object> spec(GenericKubernetesResource resource) {
        return ResourceFields.object(resource.getAdditionalProperties(), "spec");
    }

    private static Map<String, Object> status(GenericKubernetesResource resource) {
        Map<String, Object> status = ResourceFields.object(resource.getAdditionalProperties(), "status");
        return status.isEmpty() ? null : status;
    }
}
