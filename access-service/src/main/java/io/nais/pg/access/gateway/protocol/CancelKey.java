package io.nais.pg.access.gateway.protocol;

/**
 * A process id and secret as carried by BackendKeyData and CancelRequest.
 * {@link #toString()} hides the secret: cancel keys never reach a log.
 */
public record CancelKey(int processId, int secret) {

    @Override
    public String toString() {
        return "CancelKey[pid=" + processId + "]";
    }
}
