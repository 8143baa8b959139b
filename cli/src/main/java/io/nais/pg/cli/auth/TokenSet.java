package io.nais.pg.cli.auth;

import java.time.Duration;
import java.time.Instant;

import io.nais.pg.events.Emails;

/**
 * What a login leaves behind. {@link #toString()} hides the tokens so that an
 * accidental log or exception message cannot leak them.
 *
 * @param issuer     the issuer that minted the tokens; a cache from another issuer is ignored
 * @param identity   the identity claim (email) of the access token, sent to the gateway as the user, in the
 *                   platform's one spelling ({@link Emails}), the only user name the gateway accepts for it
 * @param expiresAt  when the access token expires
 * @param refreshToken null when the issuer gave none
 */
public record TokenSet(String issuer, String identity, String accessToken, Instant expiresAt, String refreshToken) {

    public TokenSet {
        identity = Emails.normalise(identity);
    }

    public boolean expiresWithin(Duration margin, Instant now) {
        return !expiresAt.isAfter(now.plus(margin));
    }

    public boolean canRefresh() {
        return refreshToken != null && !refreshToken.isBlank();
    }

    @Override
    public String toString() {
        return "TokenSet[issuer=" + issuer + ", identity=" + identity + ", expiresAt=" + expiresAt
                + ", refreshable=" + canRefresh() + "]";
    }
}
