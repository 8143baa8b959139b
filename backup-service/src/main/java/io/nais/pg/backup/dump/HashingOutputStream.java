package io.nais.pg.backup.dump;

import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * SHA-256 and byte count of what passes to {@code next}: the figures of the
 * stored object. {@link #close()} does not close {@code next}: the upload
 * decides itself whether it completes or aborts.
 */
final class HashingOutputStream extends OutputStream {

    private final OutputStream next;
    private final MessageDigest sha256;
    private long bytes;

    HashingOutputStream(OutputStream next) {
        this.next = next;
        this.sha256 = Sha256.newDigest();
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] data, int offset, int length) throws IOException {
        next.write(data, offset, length);
        sha256.update(data, offset, length);
        bytes += length;
    }

    long bytes() {
        return bytes;
    }

    String sha256Hex() {
        return HexFormat.of().formatHex(sha256.digest());
    }

    @Override
    public void close() {
        // deliberately not closing next: see the class comment
    }
}
