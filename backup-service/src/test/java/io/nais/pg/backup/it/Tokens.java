package io.nais.pg.backup.it;

import java.time.Duration;

import io.nais.pg.testsupport.Infrastructure;

/** Real bearer tokens, signed by test-support's OIDC issuer, for the people the API tests play. */
public final class Tokens {

    public static final String ADMIN_GROUP = "nais-admins";
    public static final String ADMIN = "platform-admin@example.com";

    private Tokens() {
    }

    /** A platform admin (the admin group in the groups claim). */
    public static String admin() {
        return Infrastructure.shared().oidc().token().subject(ADMIN).email(ADMIN).groups(ADMIN_GROUP)
                .lifetime(Duration.ofHours(1)).sign();
    }

    /** A person with no groups: what they may do depends on their team memberships. */
    public static String person(String email) {
        return Infrastructure.shared().oidc().token().subject(email).email(email).lifetime(Duration.ofHours(1)).sign();
    }
}
