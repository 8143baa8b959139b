package io.nais.pg.backup.restore;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * A throwaway login made for one restore: a NOSUPERUSER role with a random
 * name and a random password, dropped when the restore ends. The team's
 * restored objects (check constraints, index expressions, defaults, the
 * functions they call) run as this role, never as the server's admin.
 * {@link #toString()} hides the password; it is never logged.
 */
record RestoreLogin(String role, String password) {

    private static final SecureRandom RANDOM = new SecureRandom();

    /** {@code prefix} followed by 16 random hex digits; a 32-byte random password. */
    static RestoreLogin random(String prefix) {
        byte[] name = new byte[8];
        byte[] secret = new byte[32];
        RANDOM.nextBytes(name);
        RANDOM.nextBytes(secret);
        return new RestoreLogin(prefix + HexFormat.of().formatHex(name),
                Base64.getUrlEncoder().withoutPadding().encodeToString(secret));
    }

    @Override
    public String toString() {
        return "RestoreLogin[" + role + ", password hidden]";
    }
}
