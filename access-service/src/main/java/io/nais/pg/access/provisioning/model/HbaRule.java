package io.nais.pg.access.provisioning.model;

import java.util.List;

/**
 * One line of a cluster's {@code pg_hba_file_rules}, as {@code pg_temp.nais_hba_rules} reads it.
 *
 * @param connType      {@code local}, {@code host}, {@code hostssl}, {@code hostnossl}, {@code hostgssenc}, {@code hostnogssenc}
 * @param address       address/netmask, {@code all}, a host name, or {@code null} for {@code local}
 * @param matchesPeople whether a member of {@code nais_human} can match its user column
 * @param error         why the server cannot use the line, or {@code null}
 */
public record HbaRule(int lineNumber, String connType, List<String> databases, List<String> users, String address,
                      String authMethod, boolean matchesPeople, String error) {

    public HbaRule {
        databases = List.copyOf(databases);
        users = List.copyOf(users);
    }

    /** The line as pg_hba.conf spells it, without options. */
    public String text() {
        return String.join(" ", connType, String.join(",", databases), String.join(",", users),
                address == null ? "" : address, authMethod).replace("  ", " ");
    }
}
