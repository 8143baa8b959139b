package io.nais.pg.backup.restore;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Utility statements (CREATE/DROP DATABASE, CREATE/DROP ROLE) take no
 * parameters, so they are built by the server itself with
 * {@code pg_catalog.format('%I', …)} / {@code '%L'} and then run: identifiers
 * and literals are quoted by PostgreSQL, never by string concatenation here.
 */
final class AdminSql {

    private AdminSql() {
    }

    /** Builds the statement with {@code formatQuery} (a {@code SELECT pg_catalog.format(…, ?, …)}) and runs it. */
    static void run(Connection c, String formatQuery, String... values) throws SQLException {
        String statement;
        try (PreparedStatement ps = c.prepareStatement(formatQuery)) {
            for (int i = 0; i < values.length; i++) {
                ps.setString(i + 1, values[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                statement = rs.getString(1);
            }
        }
        try (Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }
}
