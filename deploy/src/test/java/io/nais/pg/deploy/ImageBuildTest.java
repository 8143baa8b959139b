package io.nais.pg.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The image recipe: the build context leaves out the git history, build output and local state, and
 * the backup image carries PGDG's PostgreSQL client of a pinned major with no build argument needed.
 */
class ImageBuildTest {

    private static final String DOCKERFILE = "deploy/docker/service.Dockerfile";
    /** The oldest major the platform's clusters may be newer than: pg_dump must be at least this. */
    private static final int MINIMUM_PG_MAJOR = 17;
    private static final Pattern MODULE = Pattern.compile("<module>([^<]+)</module>");

    @Test
    void theBuildContextLeavesOutTheGitHistoryBuildOutputAndLocalState() {
        DockerIgnore ignore = DockerIgnore.parse(Repository.read(Repository.ROOT.resolve(".dockerignore")));
        assertThat(List.of(".git", ".git/HEAD", ".git/objects/pack/pack-1.pack", "target/classes/x.class",
                "access-service/target/quarkus-app/quarkus-run.jar", "test-support/runtimes/kafka/target/kafka.tgz",
                ".local/platform/gateway-ca.key", ".local"))
                .allSatisfy(path -> assertThat(ignore.excludes(path)).as(path + " must stay out").isTrue());
        assertThat(List.of("pom.xml", "mvnw", ".mvn/wrapper/maven-wrapper.properties", DOCKERFILE,
                "access-service/src/main/java/io/nais/pg/access/package-info.java",
                "backup-service/src/main/resources/application.properties", "deploy/src/test/java/x/Target.java"))
                .allSatisfy(path -> assertThat(ignore.excludes(path)).as(path + " is needed by the build").isFalse());
        // the reactor the image builds: every module's pom and sources
        Matcher module = MODULE.matcher(Repository.read(Repository.ROOT.resolve("pom.xml")));
        while (module.find()) {
            assertThat(ignore.excludes(module.group(1) + "/pom.xml")).as(module.group(1)).isFalse();
            assertThat(ignore.excludes(module.group(1) + "/src/main/java/A.java")).as(module.group(1)).isFalse();
        }
    }

    @Test
    void theIgnoreFileIsReadAsDockerReadsIt() {
        DockerIgnore ignore = DockerIgnore.parse("# comment\n**/target/\n!keep/target\n/docs/*.tmp\nsecret?\n");
        assertThat(ignore.excludes("target/a")).as("** matches no directory too").isTrue();
        assertThat(ignore.excludes("a/b/target/c")).isTrue();
        assertThat(ignore.excludes("keep/target/a")).as("a later ! re-includes").isFalse();
        assertThat(ignore.excludes("docs/a.tmp")).isTrue();
        assertThat(ignore.excludes("docs/sub/a.tmp")).as("* stays in one path element").isFalse();
        assertThat(ignore.excludes("secret1")).isTrue();
        assertThat(ignore.excludes("targets/a")).isFalse();
    }

    @Test
    void theBackupImageInstallsPgdgsClientOfAPinnedMajorWithoutABuildArgument() {
        String dockerfile = Repository.read(Repository.ROOT.resolve(DOCKERFILE));
        Matcher pinned = Pattern.compile("(?m)^ENV PG_MAJOR=(\\d+)$").matcher(dockerfile);
        assertThat(pinned.find()).as("ENV PG_MAJOR=<major> in " + DOCKERFILE).isTrue();
        int major = Integer.parseInt(pinned.group(1));
        assertThat(major).isGreaterThanOrEqualTo(MINIMUM_PG_MAJOR).isGreaterThanOrEqualTo(newestComposePostgres());
        assertThat(dockerfile).contains("https://apt.postgresql.org/pub/repos/apt", "\"postgresql-client-${PG_MAJOR}\"",
                "[ \"${SERVICE}\" = backup-service ]", "--with-colons");
        List<String> arguments = Pattern.compile("(?m)^ARG (\\w+)").matcher(dockerfile).results().map(m -> m.group(1))
                .distinct().toList();
        assertThat(arguments).as("no build argument but the service").containsExactly("SERVICE");
        DockerComposeTest.services().forEach((name, service) -> {
            if (service.get("build") instanceof Map<?, ?> build && build.get("args") instanceof Map<?, ?> args) {
                assertThat(args.keySet().stream().map(String::valueOf).toList()).as(name).containsExactly("SERVICE");
            }
        });
    }

    private static int newestComposePostgres() {
        return DockerComposeTest.services().values().stream()
                .map(service -> String.valueOf(service.get("image")))
                .filter(image -> image.startsWith("postgres:"))
                .mapToInt(image -> Integer.parseInt(image.replaceAll("^postgres:(\\d+).*", "$1")))
                .max().orElse(0);
    }
}
