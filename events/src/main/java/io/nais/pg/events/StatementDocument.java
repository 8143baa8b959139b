package io.nais.pg.events;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.UUID;

/**
 * Writes the CloudEvents document of a {@link StatementFastPath trusted}
 * {@link StatementExecuted} envelope straight into bytes, the same bytes Jackson
 * writes for the tree path ({@code EncodeAllTest} compares them, escapes included).
 *
 * <p>Why by hand: the gateway audits every statement, thousands a second, on the same
 * two cores as the sessions it audits, so each microsecond spent here is taken from
 * them. Through Jackson, a statement cost a generator, a bean serializer walk and two
 * {@code Instant} formats (a {@code DateTimeFormatter} run each); here the constant
 * parts are copied as prepared bytes, the (producer, cluster, person) strings are
 * escaped once per trusted triple, and the date and time up to the second is formatted
 * once per second.
 *
 * <p>One instance per {@link EventCodec#encodeAll} call: it reuses its buffer between
 * envelopes and is not thread-safe.
 */
final class StatementDocument {

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ESCAPE_HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

    private static final byte[] OPEN_ID = ascii("{\"specversion\":\"" + EventCodec.SPEC_VERSION + "\",\"id\":\"");
    private static final byte[] TYPE_SOURCE = ascii("\",\"type\":\"" + EventTypes.of(StatementExecuted.class).name()
            + "\",\"source\":\"");
    private static final byte[] SUBJECT = ascii("\",\"subject\":\"");
    private static final byte[] TIME = ascii("\",\"time\":\"");
    private static final byte[] CONTENT_CORRELATION = ascii("\",\"datacontenttype\":\"" + EventCodec.CONTENT_TYPE
            + "\",\"correlationid\":\"");
    private static final byte[] DATA_CLUSTER = ascii("\",\"data\":{\"clusterId\":\"");
    private static final byte[] SESSION = ascii("\",\"sessionId\":\"");
    private static final byte[] EMAIL = ascii("\",\"email\":\"");
    private static final byte[] STATEMENT = ascii("\",\"statement\":\"");
    private static final byte[] TRUNCATED_TRUE = ascii("\",\"truncated\":true,\"parameterCount\":");
    private static final byte[] TRUNCATED_FALSE = ascii("\",\"truncated\":false,\"parameterCount\":");
    private static final byte[] EXECUTED_AT = ascii(",\"executedAt\":\"");
    private static final byte[] CLOSE = ascii("\"}}");

    /** The (producer, cluster, person) strings of a trusted triple, escaped once. */
    record Escaped(byte[] producer, byte[] clusterId, byte[] email) {

        static Escaped of(String producer, String clusterId, String email) {
            return new Escaped(escape(producer), escape(clusterId), escape(email));
        }

        private static byte[] escape(String text) {
            StatementDocument scratch = new StatementDocument();
            scratch.string(text);
            return Arrays.copyOf(scratch.buffer, scratch.size);
        }
    }

    private byte[] buffer = new byte[1024];
    private int size;
    private long second = Long.MIN_VALUE;
    private final byte[] secondText = new byte[19];

    /** The document of {@code envelope}, whose triple {@code escaped} passed the schema before. */
    byte[] write(Envelope<?> envelope, StatementExecuted statement, Escaped escaped) {
        EventMetadata metadata = envelope.metadata();
        size = 0;
        raw(OPEN_ID);
        uuid(metadata.id());
        raw(TYPE_SOURCE);
        raw(escaped.producer());
        raw(SUBJECT);
        raw(escaped.clusterId());
        raw(TIME);
        instant(metadata.time());
        raw(CONTENT_CORRELATION);
        string(metadata.correlationId());
        raw(DATA_CLUSTER);
        raw(escaped.clusterId());
        raw(SESSION);
        uuid(statement.sessionId());
        raw(EMAIL);
        raw(escaped.email());
        raw(STATEMENT);
        string(statement.statement());
        raw(statement.truncated() ? TRUNCATED_TRUE : TRUNCATED_FALSE);
        digits(statement.parameterCount());
        raw(EXECUTED_AT);
        instant(statement.executedAt());
        raw(CLOSE);
        return Arrays.copyOf(buffer, size);
    }

    private void raw(byte[] bytes) {
        room(bytes.length);
        System.arraycopy(bytes, 0, buffer, size, bytes.length);
        size += bytes.length;
    }

    private void uuid(UUID id) {
        room(36);
        hex(id.getMostSignificantBits() >>> 32, 8);
        buffer[size++] = '-';
        hex(id.getMostSignificantBits() >>> 16, 4);
        buffer[size++] = '-';
        hex(id.getMostSignificantBits(), 4);
        buffer[size++] = '-';
        hex(id.getLeastSignificantBits() >>> 48, 4);
        buffer[size++] = '-';
        hex(id.getLeastSignificantBits(), 12);
    }

    /** The low {@code count} hex digits of {@code bits}, most significant first. */
    private void hex(long bits, int count) {
        for (int i = count - 1; i >= 0; i--) {
            buffer[size + i] = HEX[(int) (bits & 0xF)];
            bits >>>= 4;
        }
        size += count;
    }

    /**
     * As {@link Instant#toString()} (ISO_INSTANT), for years 1 to 9999, the only ones
     * {@link StatementFastPath} trusts: seconds, then the fraction in groups of three
     * digits, as many as it needs.
     */
    private void instant(Instant instant) {
        long epochSecond = instant.getEpochSecond();
        if (epochSecond != second) {
            // "yyyy-MM-ddTHH:mm:ss" of the second: Instant's own text, up to where the fraction would start
            byte[] text = Instant.ofEpochSecond(epochSecond).toString().getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(text, 0, secondText, 0, secondText.length);
            second = epochSecond;
        }
        room(secondText.length + 11);
        System.arraycopy(secondText, 0, buffer, size, secondText.length);
        size += secondText.length;
        int nano = instant.getNano();
        if (nano != 0) {
            buffer[size++] = '.';
            if (nano % 1_000_000 == 0) {
                fixedDigits(nano / 1_000_000, 3);
            } else if (nano % 1_000 == 0) {
                fixedDigits(nano / 1_000, 6);
            } else {
                fixedDigits(nano, 9);
            }
        }
        buffer[size++] = 'Z';
    }

    private void fixedDigits(int value, int count) {
        for (int i = count - 1; i >= 0; i--) {
            buffer[size + i] = (byte) ('0' + value % 10);
            value /= 10;
        }
        size += count;
    }

    private void digits(int value) {
        int count = 1;
        for (int rest = value / 10; rest > 0; rest /= 10) {
            count++;
        }
        room(count);
        fixedDigits(value, count);
    }

    /**
     * A JSON string body as Jackson's UTF-8 generator writes it: {@code "} and
     * {@code \} escaped, control characters as {@code \b \t \n \f \r} or
     * {@code \}{@code u00XX} (upper-case hex), other characters as UTF-8, except
     * surrogates, which Jackson writes one by one as {@code \}{@code uXXXX}.
     */
    private void string(String text) {
        int length = text.length();
        room(length * 6);
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                ascii(c);
            } else if (c < 0x800) {
                buffer[size++] = (byte) (0xC0 | (c >> 6));
                buffer[size++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isSurrogate(c)) {
                unicodeEscape(c);
            } else {
                buffer[size++] = (byte) (0xE0 | (c >> 12));
                buffer[size++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                buffer[size++] = (byte) (0x80 | (c & 0x3F));
            }
        }
    }

    private void ascii(char c) {
        if (c >= 0x20 && c != '"' && c != '\\') {
            buffer[size++] = (byte) c;
            return;
        }
        char shortEscape = switch (c) {
            case '"' -> '"';
            case '\\' -> '\\';
            case '\b' -> 'b';
            case '\t' -> 't';
            case '\n' -> 'n';
            case '\f' -> 'f';
            case '\r' -> 'r';
            default -> 0;
        };
        if (shortEscape == 0) {
            unicodeEscape(c);
        } else {
            buffer[size++] = '\\';
            buffer[size++] = (byte) shortEscape;
        }
    }

    private void unicodeEscape(char c) {
        buffer[size++] = '\\';
        buffer[size++] = 'u';
        buffer[size++] = ESCAPE_HEX[(c >> 12) & 0xF];
        buffer[size++] = ESCAPE_HEX[(c >> 8) & 0xF];
        buffer[size++] = ESCAPE_HEX[(c >> 4) & 0xF];
        buffer[size++] = ESCAPE_HEX[c & 0xF];
    }

    private void room(int more) {
        if (size + more > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, size + more));
        }
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
