package io.nais.pg.cli.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * One login attempt's secrets (RFC 7636): the verifier stays in this process,
 * only its SHA-256 challenge travels through the browser. {@code state} ties
 * the redirect to this attempt; {@code nonce} ties the ID token to it.
 */
public record Pkce(String verifier, String challenge, String state, String nonce) {

    private static final SecureRandom RANDOM = new SecureRandom();

    public static Pkce create() {
        String verifier = random(32);
        return new Pkce(verifier, s256(verifier), random(16), random(16));
    }

    static String s256(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static String random(int bytes) {
        byte[] value = new byte[bytes];
        RANDOM.nextBytes(value);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(value);
    }

    @Override
    public String toString() {
        return "Pkce[hidden]";
    }
}
