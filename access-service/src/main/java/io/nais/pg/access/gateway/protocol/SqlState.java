package io.nais.pg.access.gateway.protocol;

/** The SQLSTATE codes the gateway itself answers with (PostgreSQL Appendix A). */
public final class SqlState {

    public static final String INVALID_AUTHORIZATION_SPECIFICATION = "28000";
    public static final String INVALID_PASSWORD = "28P01";
    public static final String INVALID_CATALOG_NAME = "3D000";
    public static final String PROTOCOL_VIOLATION = "08P01";
    public static final String CONNECTION_FAILURE = "08006";
    public static final String SERVER_REJECTED_CONNECTION = "08004";
    public static final String CANNOT_CONNECT_NOW = "57P03";
    public static final String ADMIN_SHUTDOWN = "57P01";
    public static final String TOO_MANY_CONNECTIONS = "53300";
    public static final String FEATURE_NOT_SUPPORTED = "0A000";

    private SqlState() {
    }
}
