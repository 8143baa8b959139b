package io.nais.pg.events;

/**
 * The gateway refused a login with {@code sqlState} (28000, 3D000, 53300, …) of a
 * person whose token it had verified: {@code email} is the token's identity. The
 * cluster is absent when the platform knows no cluster by the id asked for.
 * Refusals before the token is verified are {@link UnauthenticatedLoginRefused}
 * and name nobody ({@code email} stays optional for events written before that).
 * Key: the cluster id, or {@link #UNKNOWN_CLUSTER}.
 */
public record LoginDenied(String clusterId, String email, String clientAddress, String reason, String sqlState)
        implements PlatformEvent {

    /** The aggregate id when no cluster was named; it has no '/', so it is never a real cluster id. */
    public static final String UNKNOWN_CLUSTER = "unknown";

    public LoginDenied {
        Require.optionalClusterId(clusterId, "LoginDenied.clusterId");
        email = Emails.normalise(Require.optionalText(email, "LoginDenied.email"));
        Require.text(clientAddress, "LoginDenied.clientAddress");
        Require.text(reason, "LoginDenied.reason");
        if (sqlState == null || !sqlState.matches("[0-9A-Z]{5}")) {
            throw new IllegalArgumentException("LoginDenied.sqlState must be a five-character SQLSTATE");
        }
    }

    @Override
    public String aggregateId() {
        return clusterId == null ? UNKNOWN_CLUSTER : clusterId;
    }
}
