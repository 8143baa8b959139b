package io.nais.pg.testsupport.postgres;

/**
 * An application's database as its migrations would leave it: {@code database}
 * owned by the LOGIN role {@code owner}, with tables in {@code public}.
 * {@link #toString()} leaves the password out.
 */
public record SeededApplication(String database, String owner, String password) {
    /** The owner role {@link PostgresCluster#seedApplication} creates for {@code app}. */
    public static String ownerOf(String app) {
        return databaseOf(app) + "_owner";
    }

    /** The database {@link PostgresCluster#seedApplication} creates for {@code app}. */
    public static String databaseOf(String app) {
        return app.replace('-', '_');
    }

    @Override
    public String toString() {
        return "SeededApplication[database=" + database + ", owner=" + owner + "]";
    }
}
