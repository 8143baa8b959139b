package io.nais.pg.access.gateway.auth;

/**
 * A login the gateway refuses. {@link #getMessage()} is shown to the person in
 * their client; {@link #reason()} goes to the audit event. Neither ever contains
 * the token.
 */
public class LoginRefused extends Exception {

    private final String sqlState;
    private final String reason;

    public LoginRefused(String sqlState, String reason, String message) {
        super(message, null, false, false);
        this.sqlState = sqlState;
        this.reason = reason;
    }

    public String sqlState() {
        return sqlState;
    }

    public String reason() {
        return reason;
    }
}
