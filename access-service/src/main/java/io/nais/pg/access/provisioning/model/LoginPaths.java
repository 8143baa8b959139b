package io.nais.pg.access.provisioning.model;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Whether a cluster lets people (members of {@code nais_human}) in only through the gateway: reading
 * pg_hba's rules in order as the server does, every rule a person could match must be the gateway's
 * {@code cert} (or {@code peer} on the local socket: an operating-system account in the database's pod,
 * not a password), until a {@code reject} for every person on every address closes that kind of
 * connection. Anything else is a finding: with it, a password a person sets on their own role
 * ({@code ALTER ROLE CURRENT_USER PASSWORD}) opens a way around the gateway, its audit and its session
 * registry.
 */
public final class LoginPaths {

    /** The kinds of connection a pg_hba line can match. */
    private enum Connection { LOCAL, SSL, PLAIN, GSS }

    private LoginPaths() {
    }

    /** One finding per rule that would let a person in another way; empty when the cluster conforms. */
    public static List<String> findings(List<HbaRule> rules) {
        List<String> findings = new ArrayList<>();
        Set<Connection> closed = EnumSet.noneOf(Connection.class);
        for (HbaRule rule : rules) {
            if (rule.error() != null || !rule.matchesPeople() || replicationOnly(rule)) {
                continue; // the server skips a broken line; people have no REPLICATION
            }
            Set<Connection> open = connections(rule.connType());
            open.removeAll(closed);
            if (open.isEmpty()) {
                continue; // unreachable for people: an earlier reject took every such connection
            }
            String method = rule.authMethod();
            if (method.equals("reject")) {
                if (rejectsEveryPerson(rule)) {
                    closed.addAll(open);
                }
            } else if (!method.equals("cert") && !(method.equals("peer") && rule.connType().equals("local"))) {
                findings.add("line " + rule.lineNumber() + ": " + rule.text() + " lets a person log in with "
                        + method);
            }
        }
        return findings;
    }

    private static boolean replicationOnly(HbaRule rule) {
        return rule.databases().stream().allMatch("replication"::equals);
    }

    private static boolean rejectsEveryPerson(HbaRule rule) {
        boolean everyPerson = rule.users().contains("all") || rule.users().contains("+nais_human");
        boolean everyDatabase = rule.databases().contains("all");
        boolean everyAddress = rule.address() == null || rule.address().equals("all");
        return everyPerson && everyDatabase && everyAddress;
    }

    private static Set<Connection> connections(String connType) {
        return switch (connType) {
            case "local" -> EnumSet.of(Connection.LOCAL);
            case "hostssl" -> EnumSet.of(Connection.SSL);
            case "hostnossl" -> EnumSet.of(Connection.PLAIN, Connection.GSS);
            case "hostgssenc" -> EnumSet.of(Connection.GSS);
            case "hostnogssenc" -> EnumSet.of(Connection.SSL, Connection.PLAIN);
            default -> EnumSet.of(Connection.SSL, Connection.PLAIN, Connection.GSS); // host
        };
    }
}
