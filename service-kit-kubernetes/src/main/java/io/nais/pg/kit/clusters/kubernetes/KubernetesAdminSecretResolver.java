package io.nais.pg.kit.clusters.kubernetes;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.nais.pg.events.AdminSecretRefs;
import io.nais.pg.events.AdminSecretRefs.KubernetesRef;
import io.nais.pg.kit.clusters.AdminCredentials;
import io.nais.pg.kit.clusters.AdminSecretResolver;

/**
 * {@code k8s:<namespace>/<secret>[?ca=<ca-secret>]}: the operator's admin secret
 * ({@code username} and {@code password}, base64 in {@code data}, as Zalando's
 * {@code postgres.<cluster>.credentials.postgresql.acid.zalan.do} and
 * CloudNativePG's {@code <cluster>-superuser} hold them), and the cluster's CA
 * ({@code ca.crt} of the CA secret) as a private file for {@code sslrootcert}.
 * Without {@code ca=} the platform's bundle applies ({@code ClusterAdminConnections}).
 *
 * <p>The Kubernetes client is taken on the first {@code k8s:} reference, not
 * before: a service that only ever sees {@code file:} references (tests, the
 * local platform) starts and runs without any Kubernetes configuration.
 * Secrets are cached and watched by name ({@link WatchedSecrets}). Errors name
 * the reference and the key, never a value.
 */
@ApplicationScoped
public class KubernetesAdminSecretResolver implements AdminSecretResolver {

    static final String CA_KEY = "ca.crt";

    private final WatchedSecrets secrets;
    private final CaCertificateFiles caFiles = new CaCertificateFiles();

    @Inject
    KubernetesAdminSecretResolver(Instance<KubernetesClient> client) {
        this((Supplier<KubernetesClient>) client::get);
    }

    KubernetesAdminSecretResolver(Supplier<KubernetesClient> client) {
        this.secrets = new WatchedSecrets(client);
    }

    @Override
    public String scheme() {
        return "k8s";
    }

    @Override
    public AdminCredentials resolve(URI adminSecretRef) {
        KubernetesRef ref = AdminSecretRefs.parseKubernetes(adminSecretRef.toString());
        Map<String, String> admin = data(ref, ref.secret());
        Path caFile = ref.caSecret().map(caSecret -> caFile(ref, caSecret)).orElse(null);
        return new AdminCredentials(text(admin, "username", ref, ref.secret()),
                text(admin, "password", ref, ref.secret()), caFile);
    }

    @PreDestroy
    void stopWatching() {
        secrets.close();
    }

    private Path caFile(KubernetesRef ref, String caSecret) {
        String pem = text(data(ref, caSecret), CA_KEY, ref, caSecret);
        if (!pem.contains("-----BEGIN CERTIFICATE-----")) {
            throw new IllegalStateException("key " + CA_KEY + " of secret " + ref.namespace() + "/" + caSecret
                    + " (admin secret reference " + ref + ") is not a PEM certificate");
        }
        return caFiles.write(new WatchedSecrets.Name(ref.namespace(), caSecret), pem);
    }

    private Map<String, String> data(KubernetesRef ref, String secretName) {
        Secret secret = secrets.get(new WatchedSecrets.Name(ref.namespace(), secretName));
        if (secret == null) {
            throw new IllegalStateException("secret " + ref.namespace() + "/" + secretName
                    + " of admin secret reference " + ref + " does not exist");
        }
        return Optional.ofNullable(secret.getData()).orElse(Map.of());
    }

    private static String text(Map<String, String> data, String key, KubernetesRef ref, String secretName) {
        String encoded = data.get(key);
        if (encoded == null || encoded.isBlank()) {
            throw new IllegalStateException("secret " + ref.namespace() + "/" + secretName
                    + " of admin secret reference " + ref + " has no key " + key);
        }
        try {
            return new String(Base64.getDecoder().decode(encoded.strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            // the decoder's message quotes the offending character: never pass it on
            throw new IllegalStateException("key " + key + " of secret " + ref.namespace() + "/" + secretName
                    + " of admin secret reference " + ref + " is not base64");
        }
    }
}
