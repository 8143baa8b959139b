package io.nais.pg.tools;

/**
 * The one way to quote a name or a value into text PostgreSQL or libpq parses.
 * Each method keeps any value one token: a hostile name (quotes, backslashes,
 * spaces, SQL) stays a name. A NUL character is refused: PostgreSQL and libpq
 * end a string there, so the text would mean something shorter than the value.
 *
 * <p>Server-side SQL quotes with {@code pg_catalog.format('%I')} instead; these
 * are for text built in Java.
 */
public final class Quote {

    private Quote() {
    }

    /** An SQL identifier: {@code "name"}, with each {@code "} doubled. */
    public static String identifier(String name) {
        return '"' + withoutNul(name, "identifier").replace("\"", "\"\"") + '"';
    }

    /** {@code "schema"."name"}. */
    public static String qualified(String schema, String name) {
        return identifier(schema) + '.' + identifier(name);
    }

    /**
     * An SQL string literal, {@code 'value'} with each {@code '} doubled. It assumes
     * {@code standard_conforming_strings} (on since PostgreSQL 9.1), so a backslash is an ordinary character.
     */
    public static String literal(String value) {
        return '\'' + withoutNul(value, "literal").replace("'", "''") + '\'';
    }

    /**
     * A value in a libpq connection string ({@code host=… dbname=…}): single quotes, with backslash and
     * quote escaped by a backslash, so spaces, {@code =} and quotes stay inside one value.
     */
    public static String conninfoValue(String value) {
        return "'" + withoutNul(value, "conninfo value").replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    private static String withoutNul(String value, String what) {
        if (value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("a NUL character cannot be in an SQL or libpq " + what);
        }
        return value;
    }
}
