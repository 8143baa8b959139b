package io.nais.pg.testsupport.postgres;

/**
 * Identifier and literal quoting for the few statements test-support runs.
 * test-support cannot use service-kit's helper (service-kit's tests depend on
 * test-support), so this stays package-private and minimal.
 */
final class Sql {

    private Sql() {
    }

    static String identifier(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    static String literal(String value) {
        return '\'' + value.replace("'", "''") + '\'';
    }
}
