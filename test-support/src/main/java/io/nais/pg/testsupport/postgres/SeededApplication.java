package io.nais.pg.testsupport.postgres;

/**
 * An application's database as its migrations would leave it: {@code database}
 * owned by the LOGIN role {@code owner}, with tables in {@code public}.
 * {@link #toString()} leaves the password out.
 */
public record SeededApplication(String database, String owner, String password) {
    @Override
    public String toString() {
        return "SeededApplication[database=" + database + ", owner=" + owner + "]";
    }
}
