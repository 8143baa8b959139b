package io.nais.pg.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The repository checkout the checks read: the root pom's surefire config sets {@code nais.repo.root}. */
final class Repository {

    static final Path ROOT = Path.of(System.getProperty("nais.repo.root", "..")).toAbsolutePath().normalize();
    static final Path DEPLOY = ROOT.resolve("deploy");

    private Repository() {
    }

    /**
     * The module a Deployment runs: access-gateway and access-provisioning are the two run modes of
     * access-service ({@code NAIS_ACCESS_MODE}); every other Deployment is named after its module.
     */
    /** The module a Deployment runs: access-gateway and access-provisioning run access-service, backup-verifier backup-service. */
    static String module(String deployment) {
        if (deployment.startsWith("access-")) {
            return "access-service";
        }
        return deployment.equals("backup-verifier") ? "backup-service" : deployment;
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
