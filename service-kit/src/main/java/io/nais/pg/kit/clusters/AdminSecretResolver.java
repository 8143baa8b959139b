package io.nais.pg.kit.clusters;

import java.net.URI;

/**
 * Turns an {@code adminSecretRef} from a cluster event into credentials. One
 * implementation per URI scheme; {@link ClusterAdminConnections} picks it by
 * {@link #scheme()}. The Kubernetes resolver ({@code k8s:<namespace>/<name>},
 * module {@code service-kit-kubernetes}) is another CDI bean of this type.
 */
public interface AdminSecretResolver {

    /** The URI scheme this resolver reads, e.g. {@code file}. */
    String scheme();

    /** Reads the credentials; the exception names the reference, never a secret. */
    AdminCredentials resolve(URI adminSecretRef);
}
