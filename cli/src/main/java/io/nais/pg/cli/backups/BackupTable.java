package io.nais.pg.cli.backups;

import java.io.PrintWriter;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;

/** The human form of backup-service's answers. */
final class BackupTable {

    private static final String ROW = "%-36s  %-9s  %-24s  %10s  %-12s  %s%n";

    private BackupTable() {
    }

    static void print(PrintWriter out, JsonNode backups) {
        if (backups == null || backups.isEmpty()) {
            out.println("no backups yet");
            return;
        }
        out.printf(ROW, "BACKUP", "STATE", "STARTED", "BYTES", "SHA256", "VERIFIED");
        for (JsonNode backup : backups) {
            out.printf(ROW, text(backup, "backupId"), text(backup, "state"), text(backup, "startedAt"),
                    bytes(backup), abbreviated(text(backup, "sha256")), verification(backup.get("verification")));
        }
    }

    static void printVerdict(PrintWriter out, JsonNode verdict) {
        out.printf("backup %s of %s: %s, %d tables, %d rows restored in %s%s%n", text(verdict, "backupId"),
                text(verdict, "clusterId"), verdict.path("ok").asBoolean() ? "verified ok" : "VERIFICATION FAILED",
                verdict.path("tables").asInt(), verdict.path("rows").asLong(), duration(verdict.get("duration")),
                verdict.hasNonNull("detail") ? ": " + verdict.get("detail").asText() : "");
    }

    /**
     * A restore's outcome: what went where, the rows against the manifest, and
     * each foreign key left out because the table it references was not restored.
     */
    static void printRestore(PrintWriter out, JsonNode restored) {
        JsonNode tables = restored.path("tables");
        out.printf("restored backup %s into database %s on %s: %s, %d rows in %s%n", text(restored, "backupId"),
                text(restored, "targetDatabase"), text(restored, "targetCluster"),
                tables.isEmpty() ? "whole database, " + restored.path("tablesRestored").asInt() + " tables"
                        : "tables " + joined(tables), restored.path("rows").asLong(), duration(restored.get("duration")));
        out.println(restored.path("matchesManifest").asBoolean(true) ? "rows match the backup's manifest"
                : "ROWS DIFFER FROM THE BACKUP'S MANIFEST: " + text(restored, "difference"));
        for (JsonNode reference : restored.path("referencesNotRestored")) {
            out.println("not restored: " + reference.asText());
        }
    }

    private static String joined(JsonNode texts) {
        StringBuilder joined = new StringBuilder();
        texts.forEach(text -> joined.append(joined.length() == 0 ? "" : ", ").append(text.asText()));
        return joined.toString();
    }

    /** The service writes a Duration as seconds (a number); older or other writers may send ISO-8601 text. */
    private static String duration(JsonNode duration) {
        if (duration == null || duration.isNull()) {
            return "-";
        }
        return duration.isNumber() ? String.format(Locale.ROOT, "%.1f s", duration.asDouble()) : duration.asText();
    }

    private static String verification(JsonNode verification) {
        if (verification == null || verification.isNull()) {
            return "-";
        }
        String at = text(verification, "at");
        return verification.path("ok").asBoolean() ? "ok " + at : "FAILED " + at + ": " + text(verification, "detail");
    }

    private static String bytes(JsonNode backup) {
        if (backup.hasNonNull("bytes")) {
            return backup.get("bytes").asText();
        }
        return backup.hasNonNull("bytesSoFar") ? backup.get("bytesSoFar").asText() + "…" : "-";
    }

    private static String abbreviated(String sha256) {
        return sha256.length() > 12 ? sha256.substring(0, 12) : sha256;
    }

    private static String text(JsonNode node, String field) {
        return node.hasNonNull(field) ? node.get(field).asText() : "-";
    }
}
