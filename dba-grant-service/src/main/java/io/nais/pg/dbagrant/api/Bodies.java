package io.nais.pg.dbagrant.api;

/** Request bodies of the grants API. */
final class Bodies {

    private Bodies() {
    }

    /** {@code duration} as {@code 2h}, {@code 90m}, {@code 1h30m} or ISO-8601 {@code PT2H}. */
    record FileRequest(String clusterId, String reason, String duration) {
    }

    record Reason(String reason) {
    }

    /** The JSON of every refusal. */
    record Problem(String rule, String message) {
    }
}
