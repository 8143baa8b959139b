package io.nais.pg.backup.access;

import java.util.Optional;

import jakarta.enterprise.context.RequestScoped;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.nais.pg.backup.config.BackupConfig;
import io.nais.pg.kit.identity.CallerClaims;
import io.nais.pg.kit.membership.MembershipProjection;

/**
 * Who may do what with a team's backups, for the person behind the request's
 * verified bearer token (see package-info for the rules and why).
 */
@RequestScoped
public class ApiAccess {

    private final JsonWebToken token;
    private final MembershipProjection members;
    private final CallerClaims claims;

    ApiAccess(JsonWebToken token, MembershipProjection members, BackupConfig config) {
        this.token = token;
        this.members = members;
        this.claims = config.api().claims();
    }

    /** List, verify and request a backup: members of the owning team and platform admins. */
    public boolean mayUse(String team) {
        return admin() || claims.email(token).map(email -> members.isMember(team, email)).orElse(false);
    }

    /** The caller's email, as the token's claim names it: who a restore records. */
    public Optional<String> email() {
        return claims.email(token);
    }

    /** Restore (a whole database or some tables): platform admins only. */
    public boolean mayRestore() {
        return admin();
    }

    /** Who is asking, for the record of who started a migration: the email claim, else the token's subject. */
    public String caller() {
        return claims.email(token).orElse(token.getSubject());
    }

    private boolean admin() {
        return claims.admin(token);
    }
}
