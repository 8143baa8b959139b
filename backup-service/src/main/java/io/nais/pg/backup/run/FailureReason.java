package io.nais.pg.backup.run;

import java.sql.SQLException;

/**
 * The reason text of BackupFailed: the exception chain's messages, with the
 * SQLSTATE where there is one. The parts that fail here (JDBC, pg_dump, S3,
 * age) never put a password or key in a message: the password travels in
 * driver properties and PGPASSWORD, keys are masked by their types.
 */
final class FailureReason {

    private FailureReason() {
    }

    static String of(Throwable failure, int maxLength) {
        StringBuilder reason = new StringBuilder();
        Throwable current = failure;
        int depth = 0;
        while (current != null && depth < 4) {
            if (reason.length() > 0) {
                reason.append(" <- ");
            }
            reason.append(current.getClass().getSimpleName());
            if (current instanceof SQLException sql && sql.getSQLState() != null) {
                reason.append(" (SQLSTATE ").append(sql.getSQLState()).append(')');
            }
            if (current.getMessage() != null) {
                reason.append(": ").append(current.getMessage());
            }
            current = current.getCause() == current ? null : current.getCause();
            depth++;
        }
        String text = reason.toString().replaceAll("\\s+", " ").strip();
        return text.length() <= maxLength ? text : text.substring(0, maxLength - 1) + "…";
    }
}
