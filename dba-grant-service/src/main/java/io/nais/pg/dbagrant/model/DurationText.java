package io.nais.pg.dbagrant.model;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads a duration as people write it ({@code 2h}, {@code 90m}, {@code 1h30m}, {@code 45s}) or as ISO-8601 ({@code PT2H}). */
public final class DurationText {

    private static final Pattern HUMAN = Pattern.compile("(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?");

    private DurationText() {
    }

    public static Duration parse(String text) {
        if (text == null || text.isBlank()) {
            throw invalid(text);
        }
        String value = text.trim().toLowerCase(Locale.ROOT);
        if (value.startsWith("p")) {
            try {
                return Duration.parse(value.toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                throw invalid(text);
            }
        }
        Matcher m = HUMAN.matcher(value);
        if (!m.matches() || (m.group(1) == null && m.group(2) == null && m.group(3) == null)) {
            throw invalid(text);
        }
        return Duration.ofHours(number(m.group(1))).plusMinutes(number(m.group(2))).plusSeconds(number(m.group(3)));
    }

    private static long number(String group) {
        return group == null ? 0 : Long.parseLong(group);
    }

    private static Refusal invalid(String text) {
        return new Refusal(Refusal.Kind.INVALID, "duration-format",
                "duration '" + text + "' is not a duration such as 2h, 90m, 1h30m or PT2H");
    }
}
