package io.nais.pg.testsupport.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.S3Exception;

class S3StoreTest {

    static S3Store store;
    static S3Client s3;

    @BeforeAll
    static void start() {
        store = S3Store.start();
        s3 = client(store.secretKey());
    }

    @AfterAll
    static void stop() {
        s3.close();
        store.close();
    }

    @Test
    void awsSdkPutsAndGetsAnObjectInACreatedBucket() {
        store.createBucket("backups");

        s3.putObject(b -> b.bucket("backups").key("team-a/demo-app/1.dump"), RequestBody.fromString("dump bytes"));

        assertThat(s3.getObjectAsBytes(b -> b.bucket("backups").key("team-a/demo-app/1.dump")).asUtf8String()).isEqualTo("dump bytes");
        assertThat(s3.listObjectsV2(b -> b.bucket("backups")).contents()).extracting(o -> o.key()).containsExactly("team-a/demo-app/1.dump");
    }

    @Test
    void multipartUploadReassemblesThePartsInOrder() throws Exception {
        store.createBucket("multipart");
        byte[] content = new byte[11 * 1024 * 1024];
        new Random(42).nextBytes(content);
        int partSize = 5 * 1024 * 1024;

        String uploadId = s3.createMultipartUpload(b -> b.bucket("multipart").key("big")).uploadId();
        List<CompletedPart> parts = new ArrayList<>();
        for (int offset = 0, number = 1; offset < content.length; offset += partSize, number++) {
            byte[] part = Arrays.copyOfRange(content, offset, Math.min(content.length, offset + partSize));
            int partNumber = number;
            String etag = s3.uploadPart(b -> b.bucket("multipart").key("big").uploadId(uploadId).partNumber(partNumber),
                    RequestBody.fromBytes(part)).eTag();
            parts.add(CompletedPart.builder().partNumber(partNumber).eTag(etag).build());
        }
        s3.completeMultipartUpload(b -> b.bucket("multipart").key("big").uploadId(uploadId).multipartUpload(m -> m.parts(parts)));

        byte[] read = s3.getObjectAsBytes(b -> b.bucket("multipart").key("big")).asByteArray();
        assertThat(parts).hasSize(3);
        assertThat(MessageDigest.getInstance("SHA-256").digest(read)).isEqualTo(MessageDigest.getInstance("SHA-256").digest(content));
    }

    @Test
    void wrongSecretKeyIsRefused() {
        store.createBucket("guarded");
        try (S3Client intruder = client("not-the-secret")) {
            assertThatThrownBy(() -> intruder.listObjectsV2(b -> b.bucket("guarded")))
                    .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(403));
        }
    }

    private static S3Client client(String secret) {
        return S3Client.builder()
                .endpointOverride(URI.create(store.endpoint()))
                .region(Region.of(store.region()))
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(store.accessKey(), secret)))
                .httpClient(UrlConnectionHttpClient.create())
                // SDK >= 2.30 adds trailing CRC32 checksums to streaming uploads by default, which s3proxy
                // cannot verify over plain HTTP (400 "x-amz-content-sha256 does not match"): send them only when required
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .build();
    }
}
