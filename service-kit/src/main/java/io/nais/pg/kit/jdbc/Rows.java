package io.nais.pg.kit.jdbc;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Reads every row of a prepared query into the caller's type: the one loop the services' hand-written SQL shares. */
public final class Rows {

    /** Reads one row (the result set's current row) into the caller's type. */
    @FunctionalInterface
    public interface Reader<T> {
        T read(ResultSet row) throws SQLException;
    }

    private Rows() {
    }

    /** Runs {@code query} (its parameters bound) and reads each row, in the order the query returns them. */
    public static <T> List<T> all(PreparedStatement query, Reader<T> reader) throws SQLException {
        List<T> rows = new ArrayList<>();
        try (ResultSet rs = query.executeQuery()) {
            while (rs.next()) {
                rows.add(reader.read(rs));
            }
        }
        return rows;
    }
}
