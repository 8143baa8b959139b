package io.nais.pg.testsupport.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/** Leaves an application's database as its own migrations would. */
final class ApplicationSeed {

    private static final String SCHEMA = """
            CREATE TABLE public.customers (
                id bigserial PRIMARY KEY,
                name text NOT NULL,
                email text NOT NULL UNIQUE
            );
            CREATE TABLE public.orders (
                id bigserial PRIMARY KEY,
                customer_id bigint NOT NULL REFERENCES public.customers (id),
                amount numeric(10, 2) NOT NULL,
                created_at timestamptz NOT NULL DEFAULT now()
            );
            INSERT INTO public.customers (name, email) VALUES
                ('Ada Lovelace', 'ada@example.com'),
                ('Alan Turing', 'alan@example.com'),
                ('Grace Hopper', 'grace@example.com');
            INSERT INTO public.orders (customer_id, amount) VALUES
                (1, 10.50), (1, 99.00), (2, 5.25), (3, 42.00);
            """;

    private ApplicationSeed() {
    }

    static SeededApplication seed(PostgresCluster cluster, String app) {
        String database = SeededApplication.databaseOf(app);
        String owner = SeededApplication.ownerOf(app);
        String password = PostgresCluster.randomSecret();
        cluster.createLoginRole(owner, password);
        cluster.createDatabase(database, owner);
        try (Connection connection = cluster.connect(database, owner, password);
             Statement statement = connection.createStatement()) {
            statement.execute(SCHEMA);
        } catch (SQLException e) {
            throw new IllegalStateException("could not seed " + database + " (SQLSTATE " + e.getSQLState() + ")", e);
        }
        return new SeededApplication(database, owner, password);
    }
}
