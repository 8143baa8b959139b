package io.nais.pg.console.web;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * CSRF tokens for the page's forms, bound to the browser session and to the person: a random value in the
 * HttpOnly, SameSite=Strict cookie {@value #COOKIE} (set with the first page) and the form field
 * {@value #FIELD}, which must be HMAC(key, cookie value, email). A site that makes a browser post to the console
 * can neither read the cookie nor compute the field; a cookie planted from a sibling host does not help either,
 * because a token only verifies for the signed-in person. The key is made at start (one replica; a restart only
 * means a reload before the next action).
 */
@ApplicationScoped
class CsrfTokens {

    static final String COOKIE = "nais_console_csrf";
    static final String FIELD = "csrf";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] key = random(32);

    /** A fresh session value for the cookie. */
    String newSessionValue() {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(random(32));
    }

    /** The form token for this browser session and person. */
    String tokenFor(String sessionValue, String email) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] tag = mac.doFinal((sessionValue + "\n" + email).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(tag);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /** Whether the form's token belongs to this browser session and person (constant time). */
    boolean accepts(String sessionValue, String email, String token) {
        if (sessionValue == null || sessionValue.isBlank() || token == null || token.isBlank()) {
            return false;
        }
        return MessageDigest.isEqual(tokenFor(sessionValue, email).getBytes(StandardCharsets.US_ASCII),
                token.getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] random(int bytes) {
        byte[] value = new byte[bytes];
        RANDOM.nextBytes(value);
        return value;
    }
}
