package io.nais.pg.backup.storage;

import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.Abortable;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The off-site bucket, through the plain AWS SDK v2 S3 client.
 *
 * <p>Decisions: path-style addressing for S3-compatible stores; request
 * checksums only when an operation requires them, because several
 * S3-compatible stores reject the SDK's newer default checksum trailers (our
 * own SHA-256 of the whole object is the integrity check that matters);
 * no aws-chunked payload encoding: the SDK then signs a part with one SHA-256
 * of its in-memory buffer instead of signing (and making the store verify)
 * every 128 KiB chunk, which cut a 5 MB part's upload to s3proxy by a third
 * (bench/backup-throughput.sh: the last part's upload is each backup's tail).
 */
public final class ObjectStore implements AutoCloseable {

    /** Connection settings; {@code partSize} ≥ 5 MiB (S3's minimum for all but the last part). */
    public record Settings(Optional<URI> endpoint, String bucket, String region, String accessKeyId,
                           String secretAccessKey, boolean pathStyle, String prefix, int partSize, int uploadsInFlight) {

        public Settings {
            if (partSize < 5 * 1024 * 1024) {
                throw new IllegalArgumentException("part size must be at least 5 MiB, S3's minimum");
            }
            if (uploadsInFlight < 1) {
                throw new IllegalArgumentException("at least one upload in flight");
            }
        }

        @Override
        public String toString() {
            return "Settings[endpoint=" + endpoint + ", bucket=" + bucket + ", prefix=" + prefix + ", secret hidden]";
        }
    }

    private final S3Client s3;
    private final Settings settings;

    public ObjectStore(Settings settings) {
        this.settings = settings;
        S3ClientBuilder builder = S3Client.builder()
                .region(Region.of(settings.region()))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(settings.accessKeyId(), settings.secretAccessKey())))
                .forcePathStyle(settings.pathStyle())
                .serviceConfiguration(S3Configuration.builder().chunkedEncodingEnabled(false).build())
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClientBuilder(ApacheHttpClient.builder()
                        .maxConnections(Math.max(8, settings.uploadsInFlight() * 4))
                        .connectionTimeout(Duration.ofSeconds(10))
                        .socketTimeout(Duration.ofSeconds(60)));
        settings.endpoint().ifPresent(builder::endpointOverride);
        this.s3 = builder.build();
    }

    public String bucket() {
        return settings.bucket();
    }

    /** The full key of {@code name} under the configured prefix. */
    public String key(String name) {
        return settings.prefix() + name;
    }

    /** A multipart upload of {@code key}; nothing is visible under the key until {@link MultipartUpload#complete()}. */
    public MultipartUpload startUpload(String key) {
        return MultipartUpload.start(s3, settings.bucket(), key, settings.partSize(), settings.uploadsInFlight());
    }

    /** A small object in one request (a manifest). */
    public void put(String key, byte[] body, String contentType) {
        s3.putObject(r -> r.bucket(settings.bucket()).key(key).contentType(contentType), RequestBody.fromBytes(body));
    }

    /** Streams the object; the caller closes it. */
    public InputStream get(String key) {
        ResponseInputStream<GetObjectResponse> in = s3.getObject(r -> r.bucket(settings.bucket()).key(key));
        return in;
    }

    /**
     * Stops reading an object from {@link #get} early: closing it would
     * otherwise read the rest of it, to reuse the connection.
     */
    public static void abandon(InputStream in) {
        if (in instanceof Abortable abortable) {
            abortable.abort();
        }
    }

    public Optional<byte[]> readSmall(String key) {
        try {
            return Optional.of(s3.getObjectAsBytes(r -> r.bucket(settings.bucket()).key(key)).asByteArray());
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        }
    }

    public boolean exists(String key) {
        try {
            s3.headObject(r -> r.bucket(settings.bucket()).key(key));
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        }
    }

    /** Every key under {@code prefix}. */
    public List<String> list(String prefix) {
        List<String> keys = new ArrayList<>();
        s3.listObjectsV2Paginator(r -> r.bucket(settings.bucket()).prefix(prefix)).contents().stream()
                .map(S3Object::key).forEach(keys::add);
        return keys;
    }

    /** A multipart upload that was started and neither completed nor aborted: parts the store keeps, but no object. */
    public record IncompleteUpload(String key, String uploadId, Instant initiated) {
    }

    /** Every incomplete multipart upload under {@code prefix}. */
    public List<IncompleteUpload> incompleteUploads(String prefix) {
        List<IncompleteUpload> uploads = new ArrayList<>();
        s3.listMultipartUploadsPaginator(r -> r.bucket(settings.bucket()).prefix(prefix)).uploads()
                .forEach(u -> uploads.add(new IncompleteUpload(u.key(), u.uploadId(), u.initiated())));
        return uploads;
    }

    /** Aborts an incomplete upload: the store discards its parts. */
    public void abort(IncompleteUpload upload) {
        s3.abortMultipartUpload(r -> r.bucket(settings.bucket()).key(upload.key()).uploadId(upload.uploadId()));
    }

    public void delete(String key) {
        s3.deleteObject(r -> r.bucket(settings.bucket()).key(key));
    }

    @Override
    public void close() {
        s3.close();
    }
}
