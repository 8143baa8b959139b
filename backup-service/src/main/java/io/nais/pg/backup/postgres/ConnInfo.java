package io.nais.pg.backup.postgres;

/**
 * A libpq connection string for pg_dump and pg_restore ({@code -d}). Values are
 * single-quoted with libpq's escaping, so a database name with spaces, quotes
 * or {@code =} stays one value. The password is not part of it: it travels in
 * {@code PGPASSWORD}.
 */
public record ConnInfo(String host, int port, String database, String user) {

    public String toConnectionString() {
        return "host=" + quote(host) + " port=" + port + " dbname=" + quote(database) + " user=" + quote(user)
                + " sslmode=prefer";
    }

    public ConnInfo withDatabase(String otherDatabase) {
        return new ConnInfo(host, port, otherDatabase, user);
    }

    static String quote(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
