package io.nais.pg.access;

import io.nais.pg.events.SessionOpened;

/**
 * What a person's session may do on a team's cluster, and the login role that carries it. Each person
 * provisioned on a cluster has two login roles, both in {@code nais_human} (the group the clusters' pg_hba
 * admits through the gateway's certificate line, and which holds no privileges itself):
 * <ul>
 *   <li>{@code <email>} in {@code nais_human_write}: DML on the application's tables;</li>
 *   <li>{@code <email>/ro} in {@code nais_human_read}: SELECT only.</li>
 * </ul>
 * The level is asked for by the startup user: {@code user=<email>/ro} is a read-only session, {@code user=<email>}
 * the person's default level (write, unless the team's default is read). The gateway logs in to the cluster as the
 * role of the level it chose, so read-only is a matter of privileges, not of a setting the client could turn off.
 * An email has no {@code /} after its {@code @}, so a read-only role name is never a person's email.
 */
public enum AccessLevel {

    READ("nais_human_read"),
    WRITE("nais_human_write");

    /** Appended to the email to name the read-only role; also what a client appends to its user to ask for it. */
    public static final String READ_ONLY_SUFFIX = "/ro";

    private final String group;

    AccessLevel(String group) {
        this.group = group;
    }

    /** The group role that holds this level's privileges. */
    public String group() {
        return group;
    }

    /** The login role of {@code person} at this level. */
    public String roleName(String person) {
        return this == READ ? person + READ_ONLY_SUFFIX : person;
    }

    /** Whether a startup user asks for a read-only session ({@code <email>/ro}). */
    public static boolean asksReadOnly(String startupUser) {
        return startupUser != null && startupUser.endsWith(READ_ONLY_SUFFIX);
    }

    /** The person a startup user names: the user without the read-only suffix. */
    public static String person(String startupUser) {
        return asksReadOnly(startupUser)
                ? startupUser.substring(0, startupUser.length() - READ_ONLY_SUFFIX.length()) : startupUser;
    }

    /** The level as SessionOpened records it. */
    public SessionOpened.Level asEvent() {
        return SessionOpened.Level.valueOf(name());
    }
}
