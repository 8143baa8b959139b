package io.nais.pg.kit.clusters;

import java.nio.file.Path;

/**
 * The cluster admin's login and the CA that signs the cluster's server
 * certificate. {@link #toString()} hides the password so the record can never
 * leak it through a log line or an exception message.
 *
 * @param sslRootCert a PEM file with the CA(s) the server's certificate must chain to; {@code null} when
 *                    the secret names none (then {@link ClusterAdminConnections} uses the platform's
 *                    bundle, and without one refuses to connect)
 */
public record AdminCredentials(String username, String password, Path sslRootCert) {

    public AdminCredentials {
        if (username == null || username.isBlank()) {
            throw new IllegalArgumentException("admin credentials have no username");
        }
        if (password == null) {
            throw new IllegalArgumentException("admin credentials for " + username + " have no password");
        }
        if (sslRootCert != null && !sslRootCert.isAbsolute()) {
            throw new IllegalArgumentException("sslrootcert of " + username + " is not an absolute path: " + sslRootCert);
        }
    }

    /** The same login verified against {@code caBundle}, when the secret names no CA of its own. */
    AdminCredentials orRootCert(Path caBundle) {
        return sslRootCert != null || caBundle == null ? this : new AdminCredentials(username, password, caBundle);
    }

    @Override
    public String toString() {
        return "AdminCredentials[username=" + username + ", password=***, sslRootCert=" + sslRootCert + "]";
    }
}
