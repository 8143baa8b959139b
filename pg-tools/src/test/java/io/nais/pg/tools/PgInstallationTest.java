package io.nais.pg.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PgInstallationTest {

    @TempDir
    Path root;

    @Test
    void firstPlaceHoldingEveryToolWinsAndTheTriedDirectoriesAreListed() throws Exception {
        executable(root.resolve("bin/pg_dump"));                 // on PATH, but without pg_restore
        executable(root.resolve("postgresql/15/bin/pg_dump"));
        executable(root.resolve("postgresql/15/bin/pg_restore"));
        List<Path> tried = new ArrayList<>();

        Optional<Path> found = PgInstallation.find(List.of("pg_dump", "pg_restore"),
                List.of(PgInstallation.path(Optional.of(root.resolve("bin").toString())),
                        PgInstallation.versioned(root.resolve("postgresql"))), tried);

        assertThat(found).contains(root.resolve("postgresql/15/bin"));
        assertThat(tried).containsExactly(root.resolve("bin"), root.resolve("postgresql/15/bin"));
    }

    @Test
    void versionedDirectoriesAreTriedHighestFirst() throws Exception {
        executable(root.resolve("9.6/bin/psql"));
        executable(root.resolve("16/bin/psql"));
        executable(root.resolve("15/bin/psql"));

        assertThat(PgInstallation.find(List.of("psql"), List.of(PgInstallation.versioned(root)), new ArrayList<>()))
                .contains(root.resolve("16/bin"));
    }

    @Test
    void aMissingPgConfigOrConfiguredDirectoryIsSkipped() {
        List<Path> tried = new ArrayList<>();

        Optional<Path> found = PgInstallation.find(List.of("psql"), List.of(
                PgInstallation.configured(Optional.empty()),
                PgInstallation.pgConfig(root.resolve("no-pg_config").toString()),
                PgInstallation.configured(Optional.of(root.resolve("empty")))), tried);

        assertThat(found).isEmpty();
        assertThat(tried).containsExactly(root.resolve("empty"));
    }

    private static Path executable(Path file) throws Exception {
        Files.createDirectories(file.getParent());
        Files.writeString(file, "#!/bin/sh\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }
}
