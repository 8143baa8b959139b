package io.nais.pg.events;

/**
 * The gateway refused a connection before the client proved who it is (no token
 * yet, a bad, expired, forged or foreign token, TLS required, protocol garbage, the
 * connection limit). Nothing the client typed is in it: its user name and database
 * name are claims, and recording them would let anyone write into another person's
 * or team's audit trail. Only where the connection came from and why it was refused.
 *
 * <p>Rate-limited at the gateway: {@code refusals} is how many refusals of this
 * address for this reason this record stands for (this one and those not recorded
 * since the previous record). Key: {@link #KEY}, never a cluster id.
 */
public record UnauthenticatedLoginRefused(String clientAddress, String reason, String sqlState, long refusals)
        implements PlatformEvent {

    /** The aggregate id of every such record: it has no '/', so it is never a cluster id. */
    public static final String KEY = "gateway";

    public UnauthenticatedLoginRefused {
        Require.text(clientAddress, "UnauthenticatedLoginRefused.clientAddress");
        Require.text(reason, "UnauthenticatedLoginRefused.reason");
        if (sqlState == null || !sqlState.matches("[0-9A-Z]{5}")) {
            throw new IllegalArgumentException("UnauthenticatedLoginRefused.sqlState must be a five-character SQLSTATE");
        }
        if (refusals < 1) {
            throw new IllegalArgumentException("UnauthenticatedLoginRefused.refusals must be at least 1");
        }
    }

    @Override
    public String aggregateId() {
        return KEY;
    }
}
