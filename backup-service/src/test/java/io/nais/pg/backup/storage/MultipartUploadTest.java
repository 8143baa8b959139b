package io.nais.pg.backup.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.nais.pg.backup.it.BackupTestLifecycle;
import io.nais.pg.backup.it.BackupTestProfile;
import io.nais.pg.backup.it.PlainS3;
import io.nais.pg.backup.storage.ObjectStore.IncompleteUpload;
import io.nais.pg.testsupport.InjectInfrastructure;
import io.nais.pg.testsupport.Infrastructure;
import io.nais.pg.testsupport.RealInfrastructure;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Part;

/**
 * Against the real S3 API (test-support's s3proxy), seen with a plain S3
 * client: at the end of the data the last, short part is stored before the
 * upload is completed (so the backup's tail is only CompleteMultipartUpload),
 * no object is visible until complete, and the completed object is exactly
 * what was written.
 */
@QuarkusTest
@TestProfile(BackupTestProfile.class)
@RealInfrastructure(kafka = true, postgres = true, oidc = true, s3 = true)
class MultipartUploadTest {

    @RegisterExtension
    static final BackupTestLifecycle lifecycle = new BackupTestLifecycle();

    private static final int PART = 5 * 1024 * 1024;

    @InjectInfrastructure
    Infrastructure infra;
    @Inject
    ObjectStore store;

    @Test
    void lastPartIsStoredAtTheEndOfTheDataBeforeTheUploadCompletes() throws Exception {
        String key = "multipart-test/" + UUID.randomUUID() + ".dump.age";
        byte[] data = new byte[PART + 1234];
        new Random(7).nextBytes(data);
        S3Client operator = PlainS3.client(infra.s3());

        try (MultipartUpload upload = store.startUpload(key)) {
            upload.write(data, 0, data.length);
            upload.endOfData();
            upload.awaitParts();

            List<Part> stored = operator.listParts(r -> r.bucket(PlainS3.BUCKET).key(key).uploadId(uploadIdOf(key)))
                    .parts();
            assertThat(stored).extracting(Part::size).containsExactly((long) PART, 1234L);
            assertThat(store.exists(key)).isFalse();
            assertThatThrownBy(() -> upload.write(new byte[1], 0, 1)).isInstanceOf(IOException.class);

            upload.complete();
        }

        assertThat(operator.getObjectAsBytes(r -> r.bucket(PlainS3.BUCKET).key(key)).asByteArray()).isEqualTo(data);
        assertThat(store.incompleteUploads("multipart-test/")).extracting(IncompleteUpload::key).doesNotContain(key);
    }

    private String uploadIdOf(String key) {
        return store.incompleteUploads("multipart-test/").stream().filter(u -> u.key().equals(key))
                .map(IncompleteUpload::uploadId).findFirst().orElseThrow();
    }
}
