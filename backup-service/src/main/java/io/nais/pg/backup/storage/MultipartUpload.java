package io.nais.pg.backup.storage;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;

import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * An S3 multipart upload written as an {@link OutputStream}, with bounded
 * memory: {@code uploadsInFlight + 1} part buffers of {@code partSize} bytes,
 * recycled. While one buffer fills, the others upload; a writer that gets
 * ahead of the store waits for a free buffer (back-pressure onto pg_dump).
 *
 * <p>Nothing is visible under the key until {@link #complete()}. Any failure,
 * or {@link #close()} without {@code complete()}, aborts the upload, so an
 * interrupted backup never leaves an object that looks whole.
 * {@code close()} of the stream itself does not complete: only the pipeline,
 * after pg_dump exited 0, may decide that the dump is whole.
 *
 * <p>CreateMultipartUpload is sent on the uploader and not awaited: its round
 * trip overlaps pg_dump's start and the first part's filling; the first part
 * (or {@code complete}/{@code abort}) waits for the upload id.
 */
public final class MultipartUpload extends OutputStream {

    private final S3Client s3;
    private final String bucket;
    private final String key;
    private final CompletableFuture<String> uploadId;
    private final int partSize;
    private final BlockingQueue<byte[]> freeBuffers;
    private final ExecutorService uploader;
    private final List<Future<CompletedPart>> parts = new ArrayList<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private int buffersMade;
    private final int maxBuffers;
    private byte[] current;
    private int filled;
    private boolean finished;
    private boolean dataEnded;
    private List<CompletedPart> completedParts;

    private MultipartUpload(S3Client s3, String bucket, String key, int partSize, int uploadsInFlight) {
        this.s3 = s3;
        this.bucket = bucket;
        this.key = key;
        this.partSize = partSize;
        this.maxBuffers = uploadsInFlight + 1;
        this.freeBuffers = new ArrayBlockingQueue<>(maxBuffers);
        this.uploader = Executors.newFixedThreadPool(uploadsInFlight, runnable -> {
            Thread thread = new Thread(runnable, "s3-part-upload");
            thread.setDaemon(true);
            return thread;
        });
        // first in the uploader's queue, so a part never waits for a create that has not started
        this.uploadId = CompletableFuture.supplyAsync(() -> s3.createMultipartUpload(r -> r.bucket(bucket).key(key)
                .contentType("application/octet-stream")).uploadId(), uploader);
    }

    static MultipartUpload start(S3Client s3, String bucket, String key, int partSize, int uploadsInFlight) {
        return new MultipartUpload(s3, bucket, key, partSize, uploadsInFlight);
    }

    public String key() {
        return key;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] data, int offset, int length) throws IOException {
        if (dataEnded) {
            throw new IOException("the data of " + key + " has ended; nothing more may be written");
        }
        while (length > 0) {
            if (current == null) {
                current = takeBuffer();
                filled = 0;
            }
            int n = Math.min(length, partSize - filled);
            System.arraycopy(data, offset, current, filled, n);
            filled += n;
            offset += n;
            length -= n;
            if (filled == partSize) {
                sendCurrent();
            }
        }
    }

    /**
     * The data is all written: hands the last, short part to the uploader now,
     * without waiting for it. Its upload then overlaps what the caller still
     * does before {@link #complete()} (waiting for pg_dump's exit, the row
     * count), instead of being the backup's tail. Nothing more may be written.
     */
    public void endOfData() throws IOException {
        if (dataEnded) {
            return;
        }
        dataEnded = true;
        if (current != null || parts.isEmpty()) {
            if (current == null) {
                current = takeBuffer(); // an empty object is one empty part
                filled = 0;
            }
            sendCurrent();
        }
    }

    /** Waits until every part is stored (after {@link #endOfData()}, which it implies). */
    public void awaitParts() throws IOException {
        endOfData();
        if (completedParts != null) {
            return;
        }
        List<CompletedPart> done = new ArrayList<>();
        for (Future<CompletedPart> part : parts) {
            done.add(await(part));
        }
        done.sort(Comparator.comparing(CompletedPart::partNumber));
        completedParts = done;
    }

    /** Uploads the last part unless {@link #endOfData()} did, waits for every part and completes the upload: now the object exists. */
    public void complete() throws IOException {
        awaitParts();
        String id = awaitUploadId();
        s3.completeMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(id)
                .multipartUpload(m -> m.parts(completedParts)));
        finished = true;
        uploader.shutdown();
    }

    /** Aborts unless completed: the parts are discarded by the store. Safe to call twice. */
    public void abort() {
        if (finished) {
            return;
        }
        finished = true;
        // let a create in flight finish first: cut off, it could leave an upload we cannot name
        String id = uploadId.handle((created, failed) -> created).join();
        uploader.shutdownNow();
        if (id == null) {
            return; // the upload was never created: nothing to abort
        }
        try {
            s3.abortMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(id));
        } catch (RuntimeException e) {
            // The store is unreachable: the parts stay as an incomplete upload, which is never
            // listed as an object; retention.AbandonedUploadSweeper aborts it once it is old enough.
        }
    }

    /** Aborts if the upload was not completed; see the class comment. */
    @Override
    public void close() {
        abort();
    }

    private void sendCurrent() throws IOException {
        rethrowFailure();
        byte[] buffer = current;
        int length = filled;
        int partNumber = parts.size() + 1;
        current = null;
        filled = 0;
        parts.add(uploader.submit(() -> uploadPart(partNumber, buffer, length)));
    }

    private CompletedPart uploadPart(int partNumber, byte[] buffer, int length) {
        try {
            String id = uploadId.join();
            String etag = s3.uploadPart(r -> r.bucket(bucket).key(key).uploadId(id).partNumber(partNumber)
                            .contentLength((long) length),
                    RequestBody.fromContentProvider(() -> new ByteArrayInputStream(buffer, 0, length), length,
                            "application/octet-stream")).eTag();
            return CompletedPart.builder().partNumber(partNumber).eTag(etag).build();
        } catch (RuntimeException | Error e) {
            failure.compareAndSet(null, e);
            throw e;
        } finally {
            freeBuffers.offer(buffer);
        }
    }

    private byte[] takeBuffer() throws IOException {
        rethrowFailure();
        byte[] buffer = freeBuffers.poll();
        if (buffer != null) {
            return buffer;
        }
        if (buffersMade < maxBuffers) {
            buffersMade++;
            return new byte[partSize];
        }
        try {
            while (true) {
                buffer = freeBuffers.poll(200, java.util.concurrent.TimeUnit.MILLISECONDS);
                if (buffer != null) {
                    return buffer;
                }
                rethrowFailure();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted waiting for an upload buffer", e);
        }
    }

    private CompletedPart await(Future<CompletedPart> part) throws IOException {
        try {
            return part.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted waiting for a part upload", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IOException("uploading a part of " + key + " failed: " + e.getCause().getMessage(), e.getCause());
        }
    }

    private String awaitUploadId() throws IOException {
        try {
            return uploadId.join();
        } catch (CompletionException e) {
            throw new IOException("starting the upload of " + key + " failed: " + e.getCause().getMessage(), e.getCause());
        }
    }

    private void rethrowFailure() throws IOException {
        Throwable cause = failure.get();
        if (cause != null) {
            throw new IOException("uploading a part of " + key + " failed: " + cause.getMessage(), cause);
        }
    }
}
