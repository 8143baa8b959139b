package io.nais.pg.access.provisioning.model;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A role as the cluster reports it, read by {@code pg_temp.nais_human_roles}.
 *
 * @param managed           member of {@code nais_managed}: the platform may touch it
 * @param elevated          any of SUPERUSER, CREATEDB, CREATEROLE, REPLICATION, BYPASSRLS
 * @param inGroup           member of {@code nais_human}
 * @param otherMemberships  roles it is a member of besides the marker and {@code nais_human}: its level group, and
 *                          anything that must go
 * @param settings          its per-role defaults (all databases)
 * @param superuser         SUPERUSER (also counted in {@code elevated})
 */
public record ActualHumanRole(String roleName, boolean managed, boolean canLogin, boolean inherits,
                              boolean elevated, boolean hasPassword, boolean inGroup,
                              List<String> otherMemberships, Map<String, String> settings, boolean superuser) {

    public ActualHumanRole {
        otherMemberships = List.copyOf(otherMemberships);
        settings = Map.copyOf(settings);
    }

    /** A role whose only possible elevation is in {@code elevated} (not a superuser). */
    public ActualHumanRole(String roleName, boolean managed, boolean canLogin, boolean inherits, boolean elevated,
                           boolean hasPassword, boolean inGroup, List<String> otherMemberships,
                           Map<String, String> settings) {
        this(roleName, managed, canLogin, inherits, elevated, hasPassword, inGroup, otherMemberships, settings, false);
    }

    /** Parses {@code pg_db_role_setting.setconfig} entries, {@code name=value}. */
    public static Map<String, String> parseSettings(String[] setconfig) {
        Map<String, String> settings = new HashMap<>();
        for (String entry : setconfig) {
            int eq = entry.indexOf('=');
            if (eq > 0) {
                settings.put(entry.substring(0, eq), entry.substring(eq + 1));
            }
        }
        return settings;
    }

    /** Whether the role has been taken out of use after a failed drop (2BP01). */
    public boolean deactivated() {
        return !canLogin && !inGroup;
    }

    /** Whether the role has exactly the shape the spec asks for. */
    public boolean conformsTo(HumanRoleSpec spec) {
        // a DBA grant's SUPERUSER subsumes the other elevations, which the patch clears anyway
        boolean privileges = spec.superuser() ? superuser : !elevated;
        return canLogin && inherits && privileges && !hasPassword && inGroup
                && otherMemberships.equals(List.of(spec.level().group())) && settings.equals(spec.settings());
    }
}
