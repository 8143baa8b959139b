package io.nais.pg.console.web;

/**
 * What every page shows around its content: who is signed in, the CSRF token its forms carry, and the outcome of
 * the last action ({@code notice} after a success, {@code refusal} with the reason an API gave).
 */
public record Visit(String email, boolean admin, String csrf, String notice, String refusal) {

    /** The fixed sentence for an action that succeeded (the URL names the action, never the text shown). */
    static String notice(String done) {
        if (done == null) {
            return null;
        }
        return switch (done) {
            case "approved" -> "Request approved: the grant appears below as soon as access-service has applied it.";
            case "denied" -> "Request denied.";
            case "revoked" -> "Grant revoked: the DBA's access and sessions end now.";
            case "backup" -> "Backup started: it appears below when it finishes.";
            case "verify" -> "Restore check done: its result is below.";
            default -> null;
        };
    }
}
