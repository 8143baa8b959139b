package io.nais.pg.kit.identity;

import java.util.Collection;
import java.util.Optional;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.nais.pg.events.Emails;

/**
 * Who the caller of a platform API is, read from their verified bearer token:
 * the person's email and whether they are a platform admin. One reading for
 * every service's API (backups, console), so one token means the same person
 * and the same powers everywhere; each service only names the claims in its own
 * configuration. Its {@code email_verified} was checked when the token was
 * accepted ({@link VerifiedEmailAugmentor}).
 *
 * @param emailClaim  the claim naming the person; matched against team membership emails
 * @param groupsClaim the claim listing the caller's groups
 * @param adminGroup  members of this group are platform admins
 */
public record CallerClaims(String emailClaim, String groupsClaim, String adminGroup) {

    /** The person's email in the platform's one spelling ({@link Emails}), or empty when the token names none. */
    public Optional<String> email(JsonWebToken token) {
        Object email = token.getClaim(emailClaim);
        if (email == null) {
            return Optional.empty();
        }
        String text = unquoted(email);
        return text.isBlank() ? Optional.empty() : Optional.of(Emails.normalise(text));
    }

    /** Whether the token lists {@link #adminGroup} among its groups (a list, or a single string). */
    public boolean admin(JsonWebToken token) {
        Object groups = token.getClaim(groupsClaim);
        if (groups instanceof Collection<?> list) {
            return list.stream().anyMatch(group -> adminGroup.equals(unquoted(group)));
        }
        return groups != null && adminGroup.equals(unquoted(groups));
    }

    /** JSON-P strings arrive as JsonString, whose toString keeps the quotes. */
    static String unquoted(Object value) {
        String text = value.toString();
        return text.length() > 1 && text.startsWith("\"") && text.endsWith("\"")
                ? text.substring(1, text.length() - 1) : text;
    }
}
