package io.nais.pg.access.gateway.audit;

import java.util.Locale;
import java.util.Set;

/**
 * Masks the literal that follows a credential keyword before a statement becomes
 * an audit event: {@code PASSWORD '…'} (CREATE/ALTER ROLE, psql's {@code \password},
 * which sends the SCRAM verifier), {@code password '…'} in USER MAPPING / SERVER
 * options, and the same words with {@code E'…'} or dollar quoting.
 *
 * <p>It redacts values, never statements. The text is read as PostgreSQL's lexer
 * reads it: comments, quoted identifiers and other literals are skipped whole, so a
 * keyword counts only where the server would see a keyword, and what gets masked is
 * exactly one literal that ends where the server ends it. A comment such as
 * {@code /* secret $$ *}{@code /} can therefore not swallow the statements after it.
 * A literal that does not close is masked to the end only when the text was cut by
 * truncation (the rest of the literal is what was cut); in a whole text it is left
 * as is, since the server refuses such a text as a syntax error anyway.
 *
 * <p>Plain {@code '…'} strings follow {@code standard_conforming_strings = on} (the
 * default; a backslash is an ordinary character). A session that turns it off could
 * make a mask end early and show part of a value, never hide a statement.
 *
 * <p>This is a net for the obvious cases, not a parser: a secret hidden in an
 * ordinary value ({@code INSERT … VALUES ('hunter2')}) is data and is recorded as
 * such, like pgAudit does.
 */
public final class Redaction {

    static final String MASK = "'***'";

    private static final Set<String> CREDENTIAL_KEYWORDS = Set.of("password", "sslpassword", "passphrase", "secret");
    private static final int UNCLOSED = -1;

    private final String sql;
    private final boolean truncated;
    private final StringBuilder out;
    private int copied;
    private int i;

    private Redaction(String sql, boolean truncated) {
        this.sql = sql;
        this.truncated = truncated;
        this.out = new StringBuilder(sql.length());
    }

    /** {@code statement} with credential literals masked; {@code truncated}: the text was cut at the audit limit. */
    public static String redact(String statement, boolean truncated) {
        if (!mayCarryCredential(statement)) {
            return statement;
        }
        return new Redaction(statement, truncated).run();
    }

    private String run() {
        boolean afterKeyword = false; // the last token was a credential keyword, optionally followed by '='
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (sql.startsWith("--", i)) {
                i = lineCommentEnd(i);
            } else if (sql.startsWith("/*", i)) {
                i = blockCommentEnd(i);
            } else if (c == '=' && afterKeyword) {
                i++;
            } else if (c == '"') {
                i = quotedIdentifierEnd(i);
                afterKeyword = false;
            } else if (literalAt(i)) {
                int end = literalEnd(i);
                if (end == UNCLOSED) {
                    if (afterKeyword && truncated) {
                        mask(i, n);
                    }
                    break; // the rest is inside a literal, as far as the server is concerned
                }
                if (afterKeyword) {
                    mask(i, end);
                }
                i = end;
                afterKeyword = false;
            } else if (isWordStart(c)) {
                int start = i;
                i = wordEnd(i);
                afterKeyword = CREDENTIAL_KEYWORDS.contains(sql.substring(start, i).toLowerCase(Locale.ROOT));
            } else {
                i++;
                afterKeyword = false;
            }
        }
        if (copied == 0) {
            return sql;
        }
        out.append(sql, copied, n);
        return out.toString();
    }

    private void mask(int from, int to) {
        out.append(sql, copied, from).append(MASK);
        copied = to;
    }

    /** A string constant starts here: {@code '…'}, {@code E'…'}, or a dollar quote {@code $tag$…$tag$}. */
    private boolean literalAt(int at) {
        char c = sql.charAt(at);
        return c == '\'' || isEscapeStringStart(at) || dollarTagEnd(at) > 0;
    }

    private boolean isEscapeStringStart(int at) {
        char c = sql.charAt(at);
        return (c == 'E' || c == 'e') && at + 1 < sql.length() && sql.charAt(at + 1) == '\''
                && (at == 0 || !isWordPart(sql.charAt(at - 1)));
    }

    /** The index after the literal starting at {@code at}, or {@link #UNCLOSED}. */
    private int literalEnd(int at) {
        if (sql.charAt(at) == '\'') {
            return quotedEnd(at + 1, false);
        }
        if (isEscapeStringStart(at)) {
            return quotedEnd(at + 2, true);
        }
        int tagEnd = dollarTagEnd(at);
        String tag = sql.substring(at, tagEnd);
        int close = sql.indexOf(tag, tagEnd);
        return close < 0 ? UNCLOSED : close + tag.length();
    }

    /** From just inside the opening quote: {@code ''} is a quote; with {@code backslashEscapes}, so is {@code \'}. */
    private int quotedEnd(int from, boolean backslashEscapes) {
        int n = sql.length();
        for (int at = from; at < n; at++) {
            char c = sql.charAt(at);
            if (backslashEscapes && c == '\\') {
                at++;
            } else if (c == '\'') {
                if (at + 1 < n && sql.charAt(at + 1) == '\'') {
                    at++;
                } else {
                    return at + 1;
                }
            }
        }
        return UNCLOSED;
    }

    /** The index after {@code $tag$} opening at {@code at}, or 0 when none does ({@code $1} is a parameter). */
    private int dollarTagEnd(int at) {
        if (sql.charAt(at) != '$' || (at > 0 && isWordPart(sql.charAt(at - 1)))) {
            return 0;
        }
        int n = sql.length();
        int j = at + 1;
        if (j < n && (Character.isLetter(sql.charAt(j)) || sql.charAt(j) == '_')) {
            j++;
            while (j < n && (Character.isLetterOrDigit(sql.charAt(j)) || sql.charAt(j) == '_')) {
                j++;
            }
        }
        return j < n && sql.charAt(j) == '$' ? j + 1 : 0;
    }

    private int quotedIdentifierEnd(int at) {
        int n = sql.length();
        for (int j = at + 1; j < n; j++) {
            if (sql.charAt(j) == '"') {
                if (j + 1 < n && sql.charAt(j + 1) == '"') {
                    j++;
                } else {
                    return j + 1;
                }
            }
        }
        return n;
    }

    private int lineCommentEnd(int at) {
        int newline = sql.indexOf('\n', at);
        return newline < 0 ? sql.length() : newline + 1;
    }

    /** Block comments nest in PostgreSQL. */
    private int blockCommentEnd(int at) {
        int depth = 0;
        int n = sql.length();
        int j = at;
        while (j < n) {
            if (sql.startsWith("/*", j)) {
                depth++;
                j += 2;
            } else if (sql.startsWith("*/", j)) {
                depth--;
                j += 2;
                if (depth == 0) {
                    return j;
                }
            } else {
                j++;
            }
        }
        return n;
    }

    private int wordEnd(int at) {
        int j = at + 1;
        while (j < sql.length() && isWordPart(sql.charAt(j))) {
            j++;
        }
        return j;
    }

    private static boolean isWordStart(char c) {
        return Character.isLetter(c) || c == '_';
    }

    private static boolean isWordPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$';
    }

    /** A cheap pre-check, allocation-free: the lexer runs only on the rare statement that names one of the words. */
    private static boolean mayCarryCredential(String statement) {
        for (int at = 0; at < statement.length(); at++) {
            char c = statement.charAt(at);
            if ((c == 'p' || c == 'P') && (statement.regionMatches(true, at, "password", 0, 8)
                    || statement.regionMatches(true, at, "passphrase", 0, 10))) {
                return true;
            }
            if ((c == 's' || c == 'S') && statement.regionMatches(true, at, "secret", 0, 6)) {
                return true;
            }
        }
        return false;
    }
}
