package io.nais.pg.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The test S3 store (s3proxy) has one key pair and no policies, so the split of backup-service's S3 keys is
 * written down as IAM policy documents (deploy/docker/s3-*.json, given to MinIO by compose and to the
 * platform's store by hand, README "Backup keys"). These checks keep the documents to their halves.
 */
class BackupS3PoliciesTest {

    @Test
    void theWriterCanWriteAndPruneButNeverRead() {
        List<String> actions = actions("s3-backup-writer.json");
        assertThat(actions).contains("s3:PutObject", "s3:AbortMultipartUpload", "s3:DeleteObject",
                "s3:ListBucketMultipartUploads");
        assertThat(actions).noneMatch(a -> a.startsWith("s3:Get") || a.equals("s3:*") || a.equals("*"));
    }

    @Test
    void theReaderCanReadButNeverWriteOrDelete() {
        List<String> actions = actions("s3-backup-reader.json");
        assertThat(actions).contains("s3:GetObject");
        assertThat(actions).noneMatch(a -> a.startsWith("s3:Put") || a.startsWith("s3:Delete")
                || a.startsWith("s3:Abort") || a.equals("s3:*") || a.equals("*"));
    }

    @Test
    void composeGivesEachHalfItsOwnUserWithItsPolicy() {
        Map<String, Map<String, Object>> services = DockerComposeTest.services();
        String setup = String.join(" ", ((List<?>) services.get("s3-bucket").get("entrypoint")).stream()
                .map(String::valueOf).toList());
        assertThat(setup).contains("policy attach local backup-writer --user backup-writer")
                .contains("policy attach local backup-reader --user backup-reader");
        assertThat(((Map<?, ?>) services.get("backup-service").get("environment")).get("NAIS_BACKUP_STORAGE_ACCESS_KEY_ID"))
                .isEqualTo("backup-writer");
        assertThat(((Map<?, ?>) services.get("backup-verifier").get("environment")).get("NAIS_BACKUP_STORAGE_ACCESS_KEY_ID"))
                .isEqualTo("backup-reader");
    }

    @SuppressWarnings("unchecked")
    private static List<String> actions(String file) {
        Map<String, Object> policy = new Yaml().load(Repository.read(Repository.DEPLOY.resolve("docker").resolve(file)));
        return ((List<Map<String, Object>>) policy.get("Statement")).stream()
                .peek(statement -> assertThat(statement.get("Effect")).isEqualTo("Allow"))
                .flatMap(statement -> ((List<String>) statement.get("Action")).stream()).toList();
    }
}
