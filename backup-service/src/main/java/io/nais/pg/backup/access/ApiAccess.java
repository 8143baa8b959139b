package io.nais.pg.backup.access;

import java.util.Collection;
import java.util.Optional;

import jakarta.enterprise.context.RequestScoped;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.nais.pg.backup.config.BackupConfig;
import io.nais.pg.kit.membership.MembershipProjection;

/**
 * Who may do what with a team's backups, for the person behind the request's
 * verified bearer token (see package-info for the rules and why).
 */
@RequestScoped
public class ApiAccess {

    private final JsonWebToken token;
    private final MembershipProjection members;
    private final BackupConfig.Api config;

    ApiAccess(JsonWebToken token, MembershipProjection members, BackupConfig config) {
        this.token = token;
        this.members = members;
        this.config = config.api();
    }

    /** List, verify and request a backup: members of the owning team and platform admins. */
    public boolean mayUse(String team) {
        return admin() || email().map(email -> members.isMember(team, email)).orElse(false);
    }

    /** Restore: platform admins only. */
    public boolean mayRestore() {
        return admin();
    }

    private Optional<String> email() {
        Object email = token.getClaim(config.emailClaim());
        return email == null || email.toString().isBlank() ? Optional.empty()
                : Optional.of(unquoted(email));
    }

    private boolean admin() {
        Object groups = token.getClaim(config.groupsClaim());
        if (groups instanceof Collection<?> list) {
            return list.stream().anyMatch(group -> config.adminGroup().equals(unquoted(group)));
        }
        return groups != null && config.adminGroup().equals(unquoted(groups));
    }

    /** JSON-P strings arrive as JsonString, whose toString keeps the quotes. */
    private static String unquoted(Object value) {
        String text = value.toString();
        return text.length() > 1 && text.startsWith("\"") && text.endsWith("\"") ? text.substring(1, text.length() - 1) : text;
    }
}
