package io.nais.pg.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.nais.pg.cli.testing.PasswordTlsPostgres;
import io.nais.pg.cli.auth.TokenCache;
import io.nais.pg.testsupport.oidc.OidcIssuer;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The installable archive the build made (target/nais-*.tar.gz), installed the way the
 * README says into an empty directory, run from a PATH that has no java and with no
 * JAVA_HOME: its own runtime, its own start-up archive, a login at a real OIDC issuer,
 * and a real psql through it to a server that logs people in the gateway's way
 * ({@link PasswordTlsPostgres}).
 * Runs after `package` (an *IT, see the pom), when the archive exists.
 */
class InstalledCliIT {

    static final String EMAIL = "hedy@example.com";

    @TempDir
    static Path work;
    static Path installed;
    static Path tools;

    @BeforeAll
    static void install() throws Exception {
        tools = toolsWithoutJava(work.resolve("tools"));
        Path archive = builtArchive();
        Path unpacked = Files.createDirectories(work.resolve("download"));
        assertThat(run(unpacked, Map.of(), "tar", "-xzf", archive.toString()).exitCode).isZero();
        Path installer;
        try (Stream<Path> entries = Files.list(unpacked)) {
            installer = entries.findFirst().orElseThrow().resolve("install.sh");
        }
        installed = Files.createDirectories(work.resolve("opt/nais"));
        Result result = run(work, Map.of(), installer.toString(), installed.toString());
        assertThat(result.exitCode).as(result.output).isZero();
        assertThat(result.output).contains("nais is installed in " + installed);
    }

    @Test
    void helpRunsOnTheArchivesOwnRuntimeWithItsStartUpArchive() throws Exception {
        Result help = run(work, Map.of(), "nais", "--help");

        assertThat(help.exitCode).as(help.output).isZero();
        assertThat(help.output).contains("Usage: nais").contains("Exit codes:");
        // -Xshare:on refuses to start unless the archive maps: install.sh recorded it where nais lives.
        Result shared = run(work, Map.of(), installed.resolve("runtime/bin/java").toString(), "-Xshare:on",
                "-XX:SharedArchiveFile=" + installed.resolve("lib/nais.jsa"), "-jar", installed.resolve("lib/nais.jar").toString(), "--version");
        assertThat(shared.exitCode).as(shared.output).isZero();
        // picocli's classes are class-file version 49, which Java 17's dynamic archive leaves out; the static one holds them.
        Result loaded = run(work, Map.of(), installed.resolve("runtime/bin/java").toString(), "-Xshare:on",
                "-XX:SharedArchiveFile=" + installed.resolve("lib/nais.jsa"), "-Xlog:class+load=info",
                "-jar", installed.resolve("lib/nais.jar").toString(), "--help");
        assertThat(loaded.output).contains("picocli.CommandLine source: shared objects file");
        assertThat(Files.readString(installed.resolve("share/bash-completion/completions/nais"))).contains("complete -F");
        assertThat(Files.readString(installed.resolve("share/man/man1/nais.1"))).startsWith(".TH NAIS 1")
                .contains(".SH \"NAIS POSTGRES PSQL\"");
    }

    /** Logged in by the installed CLI at a real issuer (the local platform's kind: no browser needed), then psql as the person. */
    @Test
    void loginAndPsqlRunThroughTheInstalledCliAsThePerson() throws Exception {
        try (OidcIssuer issuer = OidcIssuer.builder().loginAs(EMAIL, List.of()).tokenLifetime(Duration.ofMinutes(10)).start();
             PasswordTlsPostgres server = new PasswordTlsPostgres(work.resolve("server"))) {
            Path config = work.resolve("config");
            Map<String, String> environment = Map.of("NAIS_CONFIG_DIR", config.toString(), "NAIS_ISSUER", issuer.issuerUrl(),
                    "NAIS_GATEWAY_HOST", "127.0.0.1", "NAIS_GATEWAY_PORT", Integer.toString(server.port()),
                    "NAIS_GATEWAY_CA_FILE", server.caFile().toString(), "NAIS_TEAM", PasswordTlsPostgres.TEAM);

            Result login = run(work, environment, "nais", "auth", "login");
            assertThat(login.exitCode).as(login.output).isZero();
            assertThat(login.output).contains("Logged in as " + EMAIL);
            server.addPerson(EMAIL, new TokenCache(config).load().orElseThrow().accessToken());

            Result psql = run(work, environment, "nais", "postgres", "psql", PasswordTlsPostgres.APP,
                    "--", "-X", "-A", "-t", "-c", "select current_user");

            assertThat(psql.exitCode).as(psql.output).isZero();
            assertThat(psql.output.strip()).isEqualTo(EMAIL);
        }
    }

    @AfterAll
    static void noJavaWasOnThePath() {
        assertThat(tools.resolve("java")).doesNotExist();
    }

    private static Path builtArchive() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            return files.filter(f -> f.getFileName().toString().matches("nais-.*-linux-.*\\.tar\\.gz")).findFirst()
                    .orElseThrow(() -> new AssertionError("no target/nais-*-linux-*.tar.gz: the build makes it at package"))
                    .toAbsolutePath();
        }
    }

    /** A PATH directory with only the commands install.sh, the launcher and this test use: no java. */
    private static Path toolsWithoutJava(Path directory) throws IOException {
        Files.createDirectories(directory);
        for (String tool : List.of("bash", "tar", "gzip", "cp", "mkdir", "ls", "rm", "cat", "readlink", "dirname")) {
            Path found = Stream.of(System.getenv("PATH").split(File.pathSeparator)).map(dir -> Path.of(dir, tool))
                    .filter(Files::isExecutable).findFirst().orElseThrow(() -> new AssertionError(tool + " is not installed"));
            Files.createSymbolicLink(directory.resolve(tool), found);
        }
        return directory;
    }

    private record Result(int exitCode, String output) {
    }

    /** Runs a command with PATH = the installed bin/ and the tools, no JAVA_HOME, and nothing else inherited. */
    private static Result run(Path directory, Map<String, String> environment, String... command) throws Exception {
        List<String> line = new ArrayList<>(List.of(command));
        if (line.get(0).equals("nais")) {
            // found by the shell on the child's PATH, as a person's shell finds it
            line.addAll(0, List.of(tools.resolve("bash").toString(), "-c", "nais \"$@\"", "bash"));
            line.remove(4);
        }
        ProcessBuilder builder = new ProcessBuilder(line).directory(directory.toFile()).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.clear();
        env.put("HOME", work.toString());
        env.put("PATH", (installed == null ? "" : installed.resolve("bin") + File.pathSeparator) + tools);
        env.putAll(new HashMap<>(environment));
        Process process = builder.start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), output);
    }
}
