package io.nais.pg.cli.psql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nais.pg.cli.CliException;
import io.nais.pg.cli.Environment;
import io.nais.pg.cli.ExitCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PsqlLocatorTest {

    @TempDir
    Path root;

    @Test
    void missingPsqlNamesThePackageToInstall() {
        Environment noPsql = new Environment(Map.of("PATH", root.resolve("bin").toString()), root);

        assertThatThrownBy(() -> new PsqlLocator(noPsql, root.resolve("no-postgresql")).find())
                .isInstanceOfSatisfying(CliException.class, e -> {
                    assertThat(e.exitCode()).isEqualTo(ExitCode.PSQL_MISSING);
                    assertThat(e.getMessage()).startsWith("psql is not installed. Install the postgresql-client package");
                });
    }

    @Test
    void psqlOnPathWinsOverTheVersionedDirectories() throws Exception {
        Path onPath = executable(root.resolve("bin/psql"));
        executable(root.resolve("postgresql/15/bin/psql"));

        Path found = new PsqlLocator(new Environment(Map.of("PATH", root.resolve("bin").toString()), root), root.resolve("postgresql")).find();

        assertThat(found).isEqualTo(onPath);
    }

    @Test
    void newestVersionedPsqlIsFoundWhenNoneIsOnPath() throws Exception {
        executable(root.resolve("postgresql/9.6/bin/psql"));
        Path newest = executable(root.resolve("postgresql/16/bin/psql"));
        executable(root.resolve("postgresql/15/bin/psql"));

        Path found = new PsqlLocator(new Environment(Map.of(), root), root.resolve("postgresql")).find();

        assertThat(found).isEqualTo(newest);
    }

    private static Path executable(Path file) throws Exception {
        Files.createDirectories(file.getParent());
        Files.writeString(file, "#!/bin/sh\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }
}
