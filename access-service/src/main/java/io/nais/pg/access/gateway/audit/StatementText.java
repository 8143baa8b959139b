package io.nais.pg.access.gateway.audit;

import java.nio.charset.StandardCharsets;

/**
 * The text of one statement as the client sent it, already cut to the configured
 * limit. It stays raw bytes on the event loop; decoding and redaction happen once,
 * lazily, on the audit thread, so a prepared statement executed a million times is
 * redacted once.
 */
public final class StatementText {

    static final StatementText UNKNOWN = described("<prepared statement not seen by the gateway>");
    /** A Parse or Bind whose name does not end within the tap's capture window: what it names was not read. */
    static final StatementText UNATTRIBUTED_NAME = described("<unattributed: name too long>");
    /** An Execute after the client had too many messages awaiting the server for the tap to follow. */
    static final StatementText UNATTRIBUTED_BACKLOG = described("<unattributed: too many messages awaiting the server>");

    private final byte[] utf8;
    private final boolean truncated;
    private volatile String redacted;

    StatementText(byte[] utf8, boolean truncated) {
        this.utf8 = utf8;
        this.truncated = truncated;
    }

    /** A text the gateway writes itself (a placeholder, a function call's description), never truncated. */
    static StatementText described(String text) {
        return new StatementText(text.getBytes(StandardCharsets.UTF_8), false);
    }

    /**
     * The first {@code limit} bytes of {@code utf8[from, from+length)}, cut back to a
     * character boundary so no half character is left at the end.
     */
    static StatementText of(byte[] source, int from, int length, int limit, boolean alreadyCut) {
        int kept = Math.min(length, limit);
        if (kept < length) {
            while (kept > 0 && (source[from + kept] & 0xC0) == 0x80) {
                kept--;
            }
        }
        byte[] copy = new byte[kept];
        System.arraycopy(source, from, copy, 0, kept);
        return new StatementText(copy, alreadyCut || kept < length);
    }

    public boolean truncated() {
        return truncated;
    }

    /** The statement as recorded: decoded, with credential literals redacted. */
    public String text() {
        String text = redacted;
        if (text == null) {
            text = Redaction.redact(new String(utf8, StandardCharsets.UTF_8), truncated);
            redacted = text;
        }
        return text;
    }

    @Override
    public String toString() {
        return "StatementText[" + utf8.length + " bytes, truncated=" + truncated + "]";
    }
}
