package io.nais.pg.events;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The grammar of {@code adminSecretRef}, in one place: the events check it, console-sync builds it, and the
 * {@code k8s:} resolver in service-kit parses it. A reference names where the credentials are, never them.
 *
 * <ul>
 *   <li>{@code file:/abs/path/admin.properties} (tests and the local platform);</li>
 *   <li>{@code k8s:<namespace>/<secret>} or {@code k8s:<namespace>/<secret>?ca=<ca-secret>}: the operator's
 *       admin secret ({@code username}/{@code password} keys), and optionally the secret in the same
 *       namespace whose {@code ca.crt} signs the cluster's server certificate. Names are Kubernetes names
 *       (a DNS-1123 label for the namespace, a DNS-1123 subdomain for secrets), so a reference can carry
 *       nothing else: no second query parameter, no path, no credentials.</li>
 * </ul>
 */
public final class AdminSecretRefs {

    private static final String LABEL = "[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?";
    private static final String SUBDOMAIN = "[a-z0-9](?:[-.a-z0-9]{0,251}[a-z0-9])?";
    private static final Pattern K8S = Pattern.compile(
            "k8s:(?<namespace>" + LABEL + ")/(?<secret>" + SUBDOMAIN + ")(?:\\?ca=(?<ca>" + SUBDOMAIN + "))?");
    private static final Pattern FILE = Pattern.compile("file:/\\S+");

    private AdminSecretRefs() {
    }

    /** A parsed {@code k8s:} reference; {@code caSecret} is empty when the platform's CA bundle applies. */
    public record KubernetesRef(String namespace, String secret, Optional<String> caSecret) {

        @Override
        public String toString() {
            return "k8s:" + namespace + "/" + secret + caSecret.map(ca -> "?ca=" + ca).orElse("");
        }
    }

    /** Whether {@code ref} is a reference in one of the two documented forms. */
    public static boolean isValid(String ref) {
        return ref != null && (FILE.matcher(ref).matches() || K8S.matcher(ref).matches());
    }

    /** The {@code k8s:} reference to an admin secret, and to the CA secret when there is one. */
    public static String kubernetes(String namespace, String secret, Optional<String> caSecret) {
        String ref = new KubernetesRef(namespace, secret, caSecret).toString();
        if (!K8S.matcher(ref).matches()) {
            throw new IllegalArgumentException("not a Kubernetes secret reference: " + ref);
        }
        return ref;
    }

    /** Parses a {@code k8s:} reference; the exception names the reference (which holds no secret). */
    public static KubernetesRef parseKubernetes(String ref) {
        Matcher matcher = K8S.matcher(ref);
        if (!matcher.matches()) {
            throw new IllegalArgumentException("not a k8s:<namespace>/<secret>[?ca=<ca-secret>] reference: " + ref);
        }
        return new KubernetesRef(matcher.group("namespace"), matcher.group("secret"),
                Optional.ofNullable(matcher.group("ca")));
    }
}
