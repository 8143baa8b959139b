package io.nais.pg.kit.identity;

import io.smallrye.config.WithDefault;

/**
 * Who is who in a bearer token: the claim names and the admin group, the same
 * keys under each service's API prefix ({@code nais.console.api.*},
 * {@code nais.backup.api.*}, {@code nais.dba-grant.api.*}). A service's config
 * mapping uses this group rather than declaring the keys again.
 */
public interface CallerSettings {

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
