package io.nais.pg.kit.clusters;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * {@code file:/abs/path/admin.properties}: a properties file with
 * {@code username}, {@code password} and optionally {@code sslrootcert} (the
 * absolute path of a PEM file with the CA of the cluster's server
 * certificate), used by tests and the local platform. Read on every call, so a
 * rotated file takes effect without a restart.
 */
@ApplicationScoped
public class FileAdminSecretResolver implements AdminSecretResolver {

    @Override
    public String scheme() {
        return "file";
    }

    @Override
    public AdminCredentials resolve(URI adminSecretRef) {
        Path file = Path.of(adminSecretRef);
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read admin secret " + adminSecretRef + ": " + e.getClass().getSimpleName(), e);
        }
        String sslRootCert = properties.getProperty("sslrootcert");
        return new AdminCredentials(properties.getProperty("username"), properties.getProperty("password"),
                sslRootCert == null || sslRootCert.isBlank() ? null : Path.of(sslRootCert.strip()));
    }
}
