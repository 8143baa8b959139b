package io.nais.pg.backup.dump;

import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicLong;

/** Counts bytes into a shared counter, so the API (and tests) can watch a running backup. */
final class ProgressOutputStream extends OutputStream {

    private final OutputStream next;
    private final AtomicLong progress;

    ProgressOutputStream(OutputStream next, AtomicLong progress) {
        this.next = next;
        this.progress = progress;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] data, int offset, int length) throws IOException {
        next.write(data, offset, length);
        progress.addAndGet(length);
    }

    @Override
    public void close() {
        // the upload decides its own end
    }
}
