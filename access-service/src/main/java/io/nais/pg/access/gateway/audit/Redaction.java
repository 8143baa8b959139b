package io.nais.pg.access.gateway.audit;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes literals that obviously carry a credential before a statement becomes
 * an audit event: {@code PASSWORD '…'} (CREATE/ALTER ROLE, psql's {@code \password},
 * which sends the SCRAM verifier), {@code password '…'} in USER MAPPING / SERVER
 * options, and the same words with {@code E'…'} or dollar quoting. A literal cut off
 * by truncation is redacted to the end of the text.
 *
 * <p>This is a net for the obvious cases, not a parser: a secret hidden in an
 * ordinary value ({@code INSERT … VALUES ('hunter2')}) is data and is recorded as
 * such, like pgAudit does.
 */
public final class Redaction {

    static final String MASK = "'***'";

    private static final Pattern CREDENTIAL_LITERAL = Pattern.compile(
            "\\b((?:ssl)?password|passphrase|secret)(\\s*=?\\s*)"
                    + "(E?'(?:[^'\\\\]|''|\\\\.)*(?:'|$)|\\$([A-Za-z_][A-Za-z_0-9]*|)\\$.*?(?:\\$\\4\\$|$))",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

    private Redaction() {
    }

    public static String redact(String statement) {
        if (!mayCarryCredential(statement)) {
            return statement;
        }
        Matcher matcher = CREDENTIAL_LITERAL.matcher(statement);
        StringBuilder out = new StringBuilder(statement.length());
        while (matcher.find()) {
            matcher.appendReplacement(out, Matcher.quoteReplacement(matcher.group(1) + matcher.group(2) + MASK));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    /** A cheap pre-check, allocation-free: the regex runs only on the rare statement that names one of the words. */
    private static boolean mayCarryCredential(String statement) {
        for (int i = 0; i < statement.length(); i++) {
            char c = statement.charAt(i);
            if ((c == 'p' || c == 'P') && (statement.regionMatches(true, i, "password", 0, 8)
                    || statement.regionMatches(true, i, "passphrase", 0, 10))) {
                return true;
            }
            if ((c == 's' || c == 'S') && statement.regionMatches(true, i, "secret", 0, 6)) {
                return true;
            }
        }
        return false;
    }
}
