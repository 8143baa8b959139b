package io.nais.pg.events;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The platform's one spelling of a person's email. Every event carrying an
 * email normalises it in its constructor, and every service normalises a
 * token's email the same way, so a membership, a role name, a grant and a
 * login all name one person with one string: a removal spelled in another case
 * than the addition removes the same person.
 *
 * <p>Trimmed and lower-cased with {@link Locale#ROOT} (never the JVM's locale:
 * Turkish would turn {@code I} into a dotless {@code ı}). The local part of an
 * address is case-sensitive by the letter of RFC 5321, but no identity
 * provider the platform trusts issues two people addresses that differ only in
 * case; one spelling per person is what matters here.
 */
public final class Emails {

    /**
     * PostgreSQL's role name limit (NAMEDATALEN - 1) in UTF-8 bytes: a person's role is named by their email, and
     * {@code CREATE ROLE} silently truncates a longer name, after which nothing finds the role by the email again.
     */
    public static final int MAX_ROLE_NAME_BYTES = 63;

    private Emails() {
    }

    /** The normal form; {@code null} stays {@code null}. */
    public static String normalise(String email) {
        return email == null ? null : email.strip().toLowerCase(Locale.ROOT);
    }

    /** Whether the (normalised) email fits a PostgreSQL role name whole. */
    public static boolean fitsRoleName(String email) {
        return email.getBytes(StandardCharsets.UTF_8).length <= MAX_ROLE_NAME_BYTES;
    }
}
