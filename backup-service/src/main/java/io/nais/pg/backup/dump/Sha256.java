package io.nais.pg.backup.dump;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** The one place a SHA-256 digest is made: when dumping and when checking a stored object. */
public final class Sha256 {

    private Sha256() {
    }

    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
