package io.nais.pg.kit.identity;

/**
 * The platform's one rule for the {@code email_verified} claim, applied
 * wherever a token is accepted (the gateway's token verifier, every REST API
 * through {@link VerifiedEmailAugmentor}): a person is named by their email, so
 * an address the identity provider has not verified names nobody.
 *
 * <p>{@code required} is on by default; an issuer that never sends the claim
 * (and only issues verified addresses) is accepted by turning it off, and even
 * then a claim that says {@code false} is refused.
 */
public final class EmailVerification {

    private EmailVerification() {
    }

    /**
     * @param claim    the token's {@code email_verified} value as the token library gives it (a Boolean, a JSON
     *                 value or a string; some issuers send {@code "true"}), or {@code null} when absent
     * @param required whether an absent claim is refused
     */
    public static boolean accepts(Object claim, boolean required) {
        if (claim == null) {
            return !required;
        }
        return "true".equals(CallerClaims.unquoted(claim));
    }
}
