package io.nais.pg.backup.it;

import java.net.URI;

import io.nais.pg.testsupport.s3.S3Store;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** A plain S3 client, independent of the service's ObjectStore: what an operator would use. */
public final class PlainS3 {

    public static final String BUCKET = "backups-test";

    private PlainS3() {
    }

    public static S3Client client(S3Store store) {
        return S3Client.builder()
                .endpointOverride(URI.create(store.endpoint()))
                .region(Region.of(store.region()))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(store.accessKey(), store.secretKey())))
                .forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }
}
