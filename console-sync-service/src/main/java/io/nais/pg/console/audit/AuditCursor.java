package io.nais.pg.console.audit;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;

/**
 * Where the next page of audit lines starts: the (time, id) of the last line
 * returned. Lines are ordered newest first by (time, id), so a page after a
 * cursor never repeats or skips a line that existed when the cursor was
 * made, however many lines arrive meanwhile. Opaque to clients (base64url).
 */
public record AuditCursor(Instant time, long id) {

    public static AuditCursor after(AuditEntry last) {
        return new AuditCursor(last.time(), last.id());
    }

    public String encode() {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((time + "|" + id).getBytes(StandardCharsets.UTF_8));
    }

    /** @throws IllegalArgumentException when the text is not a cursor this service made */
    public static AuditCursor decode(String text) {
        try {
            String plain = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
            int bar = plain.indexOf('|');
            return new AuditCursor(Instant.parse(plain.substring(0, bar)), Long.parseLong(plain.substring(bar + 1)));
        } catch (IllegalArgumentException | DateTimeParseException | IndexOutOfBoundsException e) {
            throw new IllegalArgumentException("not an audit cursor");
        }
    }
}
