package io.nais.pg.console.api;

import io.nais.pg.kit.identity.CallerClaims;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** {@code nais.console.api.*}: who is who in a bearer token. */
@ConfigMapping(prefix = "nais.console.api")
public interface ApiConfig {

    /** Members of this group (in {@link #groupsClaim()}) are platform admins and see every team. */
    @WithDefault("nais-admins")
    String adminGroup();

    @WithDefault("groups")
    String groupsClaim();

    /** The claim naming the person; matched against team membership emails. */
    @WithDefault("email")
    String emailClaim();

    /** These claim names, read the platform's one way. */
    default CallerClaims claims() {
        return new CallerClaims(emailClaim(), groupsClaim(), adminGroup());
    }
}
