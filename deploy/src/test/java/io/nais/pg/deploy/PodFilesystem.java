package io.nais.pg.deploy;

import java.nio.file.Path;

/**
 * Where a pod's container paths live on this host. The one path rule of the conformance test: the
 * container path {@code /p} is {@code <root>/p}. It is applied to every volume's mount path, and to
 * a setting's value exactly when that value is a mount path or a path under one (so
 * {@code /var/run/secrets/kafka/ca/ca.p12} under the mount {@code /var/run/secrets/kafka/ca} moves
 * with it); every other value is passed as rendered.
 */
record PodFilesystem(Path root) {

    Path host(String containerPath) {
        if (!containerPath.startsWith("/")) {
            throw new AssertionError("not an absolute container path: " + containerPath);
        }
        return root.resolve(containerPath.substring(1));
    }

    /** The value with a leading mount path moved under the root, or the value itself. */
    String rewrite(String value, Iterable<String> mountPaths) {
        for (String mount : mountPaths) {
            if (value.equals(mount) || value.startsWith(mount + "/")) {
                return host(mount) + value.substring(mount.length());
            }
        }
        return value;
    }
}
