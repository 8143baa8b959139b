package io.nais.pg.migration.verify;

import io.nais.pg.migration.plan.TableInfo;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.postgresql.core.Utils;

/**
 * A table's row count and content checksum, computed by the server: the sum of
 * the 128-bit md5 of every row's text form, as two 64-bit halves summed into
 * numerics. A sum does not depend on row order, so no sort and no ordering key
 * is needed (tables without a primary key included; duplicates count twice),
 * and nothing but three numbers leaves the server: it scales with a sequential
 * scan. Row text is made comparable by the canonical session settings of
 * {@link io.nais.pg.migration.connect.Endpoint#connect}. Every function and
 * operator is schema-qualified: on the target this runs as the cluster's admin.
 * A row's text is taken by {@code pg_catalog.record_out}, never by a cast to
 * text: casts are not schema-scoped, and a team may {@code CREATE CAST} from
 * its own table's row type to text with a function of its own.
 */
public record TableChecksum(String table, long rows, String checksum) {

    static TableChecksum of(Connection connection, TableInfo table) throws SQLException {
        String relation = quote(table.schema()) + "." + quote(table.name());
        String sql = "SELECT pg_catalog.count(*),"
                + " coalesce(pg_catalog.sum(('x' OPERATOR(pg_catalog.||) pg_catalog.substr(h, 1, 16))::pg_catalog.bit(64)::pg_catalog.int8), 0),"
                + " coalesce(pg_catalog.sum(('x' OPERATOR(pg_catalog.||) pg_catalog.substr(h, 17, 16))::pg_catalog.bit(64)::pg_catalog.int8), 0)"
                + " FROM (SELECT pg_catalog.md5(pg_catalog.textin(pg_catalog.record_out(t))) AS h FROM ONLY " + relation + " AS t) AS rows";
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return new TableChecksum(table.qualifiedName(), rs.getLong(1), rs.getBigDecimal(2) + ":" + rs.getBigDecimal(3));
        }
    }

    /** pgjdbc's identifier quoting (a double-quoted identifier, embedded quotes doubled), as Replication quotes. */
    static String quote(String identifier) throws SQLException {
        return Utils.escapeIdentifier(null, identifier).toString();
    }
}
