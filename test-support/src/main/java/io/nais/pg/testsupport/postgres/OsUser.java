package io.nais.pg.testsupport.postgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Who runs initdb and pg_ctl. Both refuse to run as root, and builds here run
 * as root: then every command goes through {@code runuser -u postgres --} (the
 * Debian package creates that system user) and the cluster's directory is
 * chowned to it. We chose runuser over {@code unshare -U}: the files end up
 * owned by a real user that psql, pg_dump and a second JVM can all see.
 */
final class OsUser {

    static final String POSTGRES = "postgres";

    private OsUser() {
    }

    static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** The command, prefixed so that it runs as the postgres user when we are root. */
    static List<String> asServerUser(List<String> command) {
        if (!isRoot()) {
            return command;
        }
        List<String> wrapped = new ArrayList<>(List.of("runuser", "-u", POSTGRES, "--"));
        wrapped.addAll(command);
        return wrapped;
    }

    /** Hands {@code directory} and everything below it to the postgres user when we are root. */
    static void handOver(Path directory) {
        if (!isRoot()) {
            return;
        }
        try {
            UserPrincipalLookupService lookup = directory.getFileSystem().getUserPrincipalLookupService();
            UserPrincipal user = lookup.lookupPrincipalByName(POSTGRES);
            GroupPrincipal group = lookup.lookupPrincipalByGroupName(POSTGRES);
            try (Stream<Path> paths = Files.walk(directory)) {
                for (Path path : paths.toList()) {
                    PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
                    view.setOwner(user);
                    view.setGroup(group);
                }
            }
        } catch (java.nio.file.attribute.UserPrincipalNotFoundException e) {
            throw new IllegalStateException("running as root needs the 'postgres' system user, which the Debian "
                    + "package 'postgresql' creates (apt-get install postgresql)", e);
        } catch (IOException e) {
            throw new IllegalStateException("could not hand " + directory + " to the postgres user", e);
        }
    }
}
