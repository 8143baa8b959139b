package io.nais.pg.kit.clusters;

/**
 * The cluster admin's login. {@link #toString()} hides the password so the
 * record can never leak it through a log line or an exception message.
 */
public record AdminCredentials(String username, String password) {

    public AdminCredentials {
        if (username == null || username.isBlank()) {
            throw new IllegalArgumentException("admin credentials have no username");
        }
        if (password == null) {
            throw new IllegalArgumentException("admin credentials for " + username + " have no password");
        }
    }

    @Override
    public String toString() {
        return "AdminCredentials[username=" + username + ", password=***]";
    }
}
