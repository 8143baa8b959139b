package io.nais.pg.testsupport.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The "Cloud SQL" database a team migrates from, shared by the migration
 * module's tests (the CLI's in-process run) and backup-service's (the same
 * migration run by the service): an application database with several
 * schemas, tables with and without a primary key, sequences, an enum, an
 * index, a view and a larger table, owned by the application's own LOGIN role.
 */
public final class CloudSqlSource {

    public static final String DATABASE = "shop";
    public static final String USER = "cloudsqlapp";
    public static final String PASSWORD = "s0urce-Pa55word-xyz";

    /** Rows of the four tables, as the verification counts them. */
    public static final long ROWS = 2000 + 50000 + 20001 + 510;

    public static final String SCHEMA = """
            CREATE TYPE public.order_status AS ENUM ('new', 'paid', 'shipped');
            CREATE SCHEMA sales;
            CREATE SCHEMA audit;
            CREATE TABLE public.customers (id bigserial PRIMARY KEY, name text NOT NULL, email text UNIQUE, born date,
                score double precision, tags text[], meta jsonb);
            CREATE TABLE sales.orders (id bigserial PRIMARY KEY, customer_id bigint REFERENCES public.customers (id),
                status public.order_status NOT NULL DEFAULT 'new', amount numeric(12, 2), created_at timestamptz DEFAULT now());
            CREATE INDEX orders_customer ON sales.orders (customer_id);
            CREATE TABLE sales.order_lines (order_id bigint, line int, sku text, qty int, PRIMARY KEY (order_id, line));
            CREATE TABLE audit.events (at timestamptz, actor text, payload bytea);
            CREATE SEQUENCE sales.invoice_no START 1000;
            CREATE VIEW sales.paid_orders AS SELECT id, amount FROM sales.orders WHERE status = 'paid';
            INSERT INTO public.customers (name, email, born, score, tags, meta)
                SELECT 'customer ' || g, 'c' || g || '@example.com', date '1970-01-01' + g, g / 7.0, ARRAY['a', 'b' || g],
                       jsonb_build_object('n', g) FROM generate_series(1, 2000) g;
            INSERT INTO sales.orders (customer_id, status, amount, created_at)
                SELECT 1 + g % 2000, (ARRAY['new', 'paid', 'shipped'])[1 + g % 3]::public.order_status, g * 1.25,
                       timestamptz '2024-01-01 00:00+02' + g * interval '1 minute' FROM generate_series(1, 50000) g;
            INSERT INTO sales.order_lines SELECT 1 + g / 3, g % 3, 'sku-' || g, g % 9 FROM generate_series(0, 20000) g;
            INSERT INTO audit.events SELECT now(), 'actor ' || (g % 5), decode(md5(g::text), 'hex') FROM generate_series(1, 500) g;
            INSERT INTO audit.events SELECT at, actor, payload FROM audit.events LIMIT 10; -- duplicates, no key to tell them apart
            SELECT nextval('sales.invoice_no') FROM generate_series(1, 17);
            """;

    private CloudSqlSource() {
    }

    /** A server with {@code wal_level=logical}, as replicate mode needs of a source. */
    public static PostgresCluster start() {
        return PostgresCluster.builder().name("cloudsql").setting("wal_level", "logical").start();
    }

    /** The source application: its own LOGIN role (with REPLICATION, as Cloud SQL grants it) owning the database. */
    public static void seed(PostgresCluster source, String schemaSql) {
        source.execute("postgres", "CREATE ROLE " + USER + " LOGIN REPLICATION PASSWORD '" + PASSWORD + "'");
        source.createDatabase(DATABASE, USER);
        try (Connection c = source.connect(DATABASE, USER, PASSWORD); Statement st = c.createStatement()) {
            st.execute(schemaSql);
        } catch (SQLException e) {
            throw new IllegalStateException("seeding the source failed (SQLSTATE " + e.getSQLState() + ")", e);
        }
    }

    /** {@code postgresql://…} of the seeded source, password included: what a person passes to {@code --from}. */
    public static String url(PostgresCluster source) {
        return "postgresql://" + USER + ":" + PASSWORD + "@" + source.host() + ":" + source.port() + "/" + DATABASE
                + "?sslmode=disable";
    }
}
