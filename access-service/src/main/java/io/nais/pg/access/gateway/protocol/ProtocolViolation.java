package io.nais.pg.access.gateway.protocol;

/**
 * The peer sent bytes that are not a valid message where one was expected.
 * The message is safe to show the peer: it never echoes the bytes themselves.
 */
public class ProtocolViolation extends RuntimeException {

    public ProtocolViolation(String message) {
        super(message, null, false, false);
    }
}
