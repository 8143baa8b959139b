package io.nais.pg.backup.retention;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.nais.pg.backup.dump.ObjectKeys;
import io.nais.pg.backup.it.BackupTestLifecycle;
import io.nais.pg.backup.it.BackupTestProfile;
import io.nais.pg.backup.it.PlainS3;
import io.nais.pg.backup.storage.MultipartUpload;
import io.nais.pg.backup.storage.ObjectStore;
import io.nais.pg.backup.storage.ObjectStore.IncompleteUpload;
import io.nais.pg.testsupport.InjectInfrastructure;
import io.nais.pg.testsupport.Infrastructure;
import io.nais.pg.testsupport.RealInfrastructure;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Against the real S3 API (test-support's s3proxy): an upload left behind by
 * a backup that started two days ago (a replica died mid-upload, a part
 * already stored) is aborted by the sweeper; one started now is left alone.
 * Seen with a plain S3 client, as an operator would: ListMultipartUploads no
 * longer names the abandoned upload and no object appeared under its key.
 */
@QuarkusTest
@TestProfile(BackupTestProfile.class)
@RealInfrastructure(kafka = true, postgres = true, oidc = true, s3 = true)
class AbandonedUploadSweeperTest {

    @RegisterExtension
    static final BackupTestLifecycle lifecycle = new BackupTestLifecycle();

    private static final int PART = 5 * 1024 * 1024;

    @InjectInfrastructure
    Infrastructure infra;
    @Inject
    ObjectStore store;
    @Inject
    AbandonedUploadSweeper sweeper;

    @Test
    void uploadAbandonedLongerThanTheAgeIsAbortedAndAFreshOneIsLeftAlone() throws Exception {
        String abandonedKey = ObjectKeys.dumpKey("", "team-sweep/old", Instant.now().minus(Duration.ofDays(2)), UUID.randomUUID());
        String freshKey = ObjectKeys.dumpKey("", "team-sweep/new", Instant.now(), UUID.randomUUID());
        S3Client operator = PlainS3.client(infra.s3());
        String abandonedId = startAndLeave(abandonedKey, operator);
        String freshId = startAndLeave(freshKey, operator);

        List<IncompleteUpload> swept = sweeper.sweep();

        assertThat(swept).extracting(IncompleteUpload::key).contains(abandonedKey).doesNotContain(freshKey);
        assertThat(incomplete(operator)).contains(freshId).doesNotContain(abandonedId);
        assertThat(store.exists(abandonedKey)).isFalse();

        operator.abortMultipartUpload(r -> r.bucket(PlainS3.BUCKET).key(freshKey).uploadId(freshId));
    }

    @Test
    void anUploadOfAKeyWithoutOurStampIsJudgedByTheStoresInitiatedTime() {
        Instant now = Instant.now();
        IncompleteUpload foreign = new IncompleteUpload("team-x/app/notes.bin", "id", now.minus(Duration.ofDays(3)));
        IncompleteUpload ours = new IncompleteUpload(
                ObjectKeys.dumpKey("", "team-x/app", now, UUID.randomUUID()), "id", now.minus(Duration.ofDays(3)));

        assertThat(AbandonedUploadSweeper.startedBefore(foreign, now.minus(Duration.ofDays(1)))).isTrue();
        // our key's own stamp wins over an Initiated that some stores set to the listing time
        assertThat(AbandonedUploadSweeper.startedBefore(ours, now.minus(Duration.ofDays(1)))).isFalse();
    }

    /** Starts a multipart upload through the service's own store, stores one full part, and walks away. */
    private String startAndLeave(String key, S3Client operator) throws InterruptedException {
        MultipartUpload upload = store.startUpload(key);
        try {
            upload.write(new byte[PART]); // a full part: handed to the store now
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        String uploadId = null;
        for (int i = 0; i < 200 && uploadId == null; i++) {
            uploadId = store.incompleteUploads("").stream().filter(u -> u.key().equals(key)).findFirst()
                    .map(IncompleteUpload::uploadId).orElse(null);
            Thread.sleep(50);
        }
        assertThat(uploadId).as("an incomplete upload of " + key).isNotNull();
        String id = uploadId;
        for (int i = 0; i < 200 && operator.listParts(r -> r.bucket(PlainS3.BUCKET).key(key).uploadId(id))
                .parts().isEmpty(); i++) {
            Thread.sleep(50);
        }
        return uploadId;
    }

    private static List<String> incomplete(S3Client operator) {
        return operator.listMultipartUploads(r -> r.bucket(PlainS3.BUCKET)).uploads().stream()
                .map(software.amazon.awssdk.services.s3.model.MultipartUpload::uploadId).toList();
    }
}
