package io.nais.pg.testsupport.postgres;

import io.nais.pg.pki.CertificateAuthority;
import io.nais.pg.pki.Pem;
import io.nais.pg.testsupport.process.FreePorts;
import io.nais.pg.testsupport.process.Reaper;
import io.nais.pg.testsupport.process.TempDirs;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

import io.nais.pg.tools.Quote;

/**
 * A throwaway PostgreSQL cluster made with the machine's binaries
 * ({@link PostgresBinaries}), listening on 127.0.0.1 only, with superuser
 * {@code postgres} and a random SCRAM password. As root, initdb and pg_ctl run
 * as the {@code postgres} system user (see {@link OsUser}).
 *
 * <p>TLS is on unless the builder says {@link Builder#withoutTls()}: the server
 * certificate (SAN {@code 127.0.0.1}, {@code localhost}) comes from the CA given
 * to {@link Builder#tls}, else from a test CA shared by the class loader.
 * {@link #serverCaFile()} holds that CA, and {@link #adminSecretFile()} names it
 * ({@code sslrootcert}), so admin connections verify the server as in production.
 *
 * <pre>{@code
 * try (PostgresCluster pg = PostgresCluster.builder().name("orders").build().start()) {
 *     SeededApplication app = pg.seedApplication("demo-app");
 *     pg.execute(app.database(), "select 1");
 * }
 * }</pre>
 */
public final class PostgresCluster implements AutoCloseable {

    public static final String HOST = FreePorts.HOST;
    private static final String STATE_FILE = "cluster.properties";
    private static final String SERVER_CA_FILE = "server-ca.crt";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Builder options;
    private final Path directory;
    private final Path data;
    private final Path binDir;
    private final int port;
    private final String adminPassword;
    /** False for a handle from {@link #attach(Path)}: it never stops or deletes the cluster. */
    private final boolean owner;
    private boolean running;
    /** Set from initialization until the template's superuser password is replaced. */
    private DataDirectoryTemplate template;

    private PostgresCluster(Builder options, Path binDir) {
        this.options = options;
        this.binDir = binDir;
        this.directory = TempDirs.create("pg-" + options.name.replaceAll("[^A-Za-z0-9_-]", "_"));
        this.data = directory.resolve("data");
        this.port = options.port != 0 ? options.port : FreePorts.next();
        this.adminPassword = randomSecret();
        this.owner = true;
    }

    private PostgresCluster(Path directory, Properties state) {
        this.options = new Builder().name(state.getProperty("name"));
        this.binDir = Path.of(state.getProperty("binDir"));
        this.directory = directory;
        this.data = directory.resolve("data");
        this.port = Integer.parseInt(state.getProperty("port"));
        this.adminPassword = state.getProperty("password");
        this.owner = false;
        this.running = true;
    }

    /**
     * A handle on a running cluster that another class loader of this JVM
     * started (Quarkus loads test classes once per application): it can
     * connect and create databases, but {@link #stop()}, {@link #restart()}
     * and {@link #close()} do nothing.
     */
    public static PostgresCluster attach(Path stateDirectory) {
        Properties state = new Properties();
        try (Reader reader = Files.newBufferedReader(stateDirectory.resolve(STATE_FILE))) {
            state.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException("no cluster state in " + stateDirectory, e);
        }
        return new PostgresCluster(stateDirectory, state);
    }

    /** The postmaster's process id, from {@code postmaster.pid} (e.g. to account for the cluster's CPU). */
    public long pid() {
        try {
            return Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0).strip());
        } catch (IOException e) {
            throw new UncheckedIOException("cluster " + name() + " is not running", e);
        }
    }

    /** The directory {@link #attach(Path)} reads. */
    public Path stateDirectory() {
        return directory;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Creates the data directory on first start, then starts the server and waits until it accepts connections. */
    public synchronized PostgresCluster start() {
        if (running || !owner) {
            return this;
        }
        Reaper.register(this);
        try {
            if (!Files.exists(data.resolve("PG_VERSION"))) {
                initialize();
            }
            pgCtl("start", "-w", "-t", "60", "-l", log().toString());
            running = true;
            if (template != null) {
                takeOverSuperuser();
            }
            return this;
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Stops the server, keeping its data and port. */
    public synchronized void stop() {
        if (running && owner) {
            pgCtl("stop", "-w", "-t", "60", "-m", "fast");
            running = false;
        }
    }

    /** Stops and starts again: same port, same data. */
    public synchronized void restart() {
        stop();
        start();
    }

    /** Stops the server (immediately) and deletes its data. */
    @Override
    public synchronized void close() {
        if (!owner) {
            return;
        }
        Reaper.deregister(this);
        try {
            if (running || Files.exists(data.resolve("postmaster.pid"))) {
                pgCtl("stop", "-w", "-t", "30", "-m", "immediate");
            }
        } catch (RuntimeException e) {
            System.err.println("test-support: could not stop " + this + ": " + e.getMessage());
        } finally {
            running = false;
            TempDirs.delete(directory);
        }
    }

    public String name() {
        return options.name;
    }

    public String host() {
        return HOST;
    }

    public int port() {
        return port;
    }

    public String adminUser() {
        return OsUser.POSTGRES;
    }

    public String adminPassword() {
        return adminPassword;
    }

    public Path binDir() {
        return binDir;
    }

    /** The server's log file. */
    public Path log() {
        return directory.resolve("server.log");
    }

    public boolean isRunning() {
        return running;
    }

    public String jdbcUrl(String database) {
        return jdbcUrl(database, port);
    }

    private static String jdbcUrl(String database, int port) {
        return "jdbc:postgresql://" + HOST + ":" + port + "/" + URLEncoder.encode(database, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /**
     * The PEM file with the CA of the server's certificate (what a client's {@code sslrootcert} names), or
     * {@code null} for a cluster built {@link Builder#withoutTls() without TLS}.
     */
    public Path serverCaFile() {
        Path file = directory.resolve(SERVER_CA_FILE);
        return Files.exists(file) ? file : null;
    }

    /**
     * The admin credentials as a properties file ({@code username}, {@code password},
     * {@code sslrootcert} = {@link #serverCaFile()} when TLS is on; mode 0600): the
     * target of a {@code file:} adminSecretRef.
     */
    public synchronized Path adminSecretFile() {
        Path file = directory.resolve("admin.properties");
        if (!Files.exists(file)) {
            Properties properties = new Properties();
            properties.setProperty("username", adminUser());
            properties.setProperty("password", adminPassword);
            if (serverCaFile() != null) {
                properties.setProperty("sslrootcert", serverCaFile().toString());
            }
            StringWriter text = new StringWriter();
            try {
                properties.store(text, "admin credentials of cluster " + options.name);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            ClusterFiles.writeOwnerOnly(file, text.toString());
        }
        return file;
    }

    /** A new connection as the superuser, without TLS (so {@code hostssl … cert} lines never catch it). */
    public Connection connect(String database) throws SQLException {
        return connect(database, adminUser(), adminPassword);
    }

    public Connection connect(String database, String user, String password) throws SQLException {
        return open(jdbcUrl(database), user, password);
    }

    /** As {@link #connect(String)}, through something that forwards {@code port} to this cluster (a proxy). */
    public Connection connectVia(int port, String database) throws SQLException {
        return open(jdbcUrl(database, port), adminUser(), adminPassword);
    }

    private static Connection open(String url, String user, String password) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        properties.setProperty("password", password);
        properties.setProperty("sslmode", "disable");
        return DriverManager.getConnection(url, properties);
    }

    /**
     * Whether {@code role} has a statement beginning with {@code queryPrefix} active right now: the
     * barrier for a test that cancels or ends a running query, instead of a sleep that hopes it started.
     */
    public boolean isRunning(String role, String queryPrefix) {
        try (Connection admin = connect("postgres");
             PreparedStatement active = admin.prepareStatement("select count(*) from pg_stat_activity"
                     + " where usename = ? and state = 'active' and starts_with(query, ?)")) {
            active.setString(1, role);
            active.setString(2, queryPrefix);
            try (ResultSet rs = active.executeQuery()) {
                return rs.next() && rs.getInt(1) > 0;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read pg_stat_activity of cluster " + name(), e);
        }
    }

    /** Runs {@code sql} as the superuser in {@code database}. */
    public void execute(String database, String sql) {
        try (Connection connection = connect(database); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("SQL failed in " + database + " (SQLSTATE " + e.getSQLState() + ")", e);
        }
    }

    /** Creates a LOGIN role with the given password. */
    public void createLoginRole(String role, String password) {
        execute("postgres", "CREATE ROLE " + Quote.identifier(role) + " LOGIN PASSWORD " + Quote.literal(password));
    }

    public void createDatabase(String name, String owner) {
        execute("postgres", "CREATE DATABASE " + Quote.identifier(name) + " OWNER " + Quote.identifier(owner));
    }

    /**
     * Creates {@code <app>_owner} (LOGIN, random password) and database {@code <app>}
     * (dashes become underscores), then, as the owner, tables {@code customers} and
     * {@code orders} with rows: what an application's migrations leave behind.
     */
    public SeededApplication seedApplication(String app) {
        return ApplicationSeed.seed(this, app);
    }

    @Override
    public String toString() {
        return "PostgresCluster[" + options.name + " " + HOST + ":" + port + "]";
    }

    static String randomSecret() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** A copy of the template data directory, then this cluster's settings, pg_hba.conf and TLS files. */
    private void initialize() {
        OsUser.handOver(directory);
        template = DataDirectoryTemplate.forBinaries(binDir);
        template.copyTo(data, directory.resolve("tool-output.log"));
        ClusterFiles.writeSettings(data, port, options.tls, options.settings);
        List<String> knownRoles = options.knownRoles.isEmpty() ? List.of()
                : Stream.concat(Stream.of(adminUser()), options.knownRoles.stream()).toList();
        ClusterFiles.writeHba(data, options.hbaLines, knownRoles);
        if (options.tls) {
            CertificateAuthority serverCa = options.serverCa != null ? options.serverCa : DefaultServerCa.CA;
            List<X509Certificate> clientCas = options.serverCa != null ? options.clientCas : List.of(serverCa.certificate());
            // only these files are new: the copied ones keep their owner when rewritten
            ClusterFiles.writeTls(data, serverCa, clientCas).forEach(OsUser::handOver);
            Pem.writeCertificates(directory.resolve(SERVER_CA_FILE), List.of(serverCa.certificate()));
        }
        writeState();
    }

    /** Replaces the template's superuser password with this cluster's own, once, after the first start. */
    private void takeOverSuperuser() {
        try (Connection connection = connect("postgres", adminUser(), template.password());
             Statement statement = connection.createStatement()) {
            statement.execute("ALTER ROLE " + Quote.identifier(adminUser()) + " PASSWORD " + Quote.literal(adminPassword));
            template = null;
        } catch (SQLException e) {
            throw new IllegalStateException("could not set the superuser password of " + this + " (SQLSTATE " + e.getSQLState() + ")", e);
        }
    }

    private void writeState() {
        Properties state = new Properties();
        state.setProperty("name", options.name);
        state.setProperty("port", Integer.toString(port));
        state.setProperty("password", adminPassword);
        state.setProperty("binDir", binDir.toString());
        StringWriter text = new StringWriter();
        try {
            state.store(text, "PostgresCluster state, read by PostgresCluster.attach");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ClusterFiles.writeOwnerOnly(directory.resolve(STATE_FILE), text.toString());
    }

    private void pgCtl(String... arguments) {
        List<String> command = new ArrayList<>(List.of(binDir.resolve("pg_ctl").toString(), "-D", data.toString()));
        command.addAll(List.of(arguments));
        ServerTools.run(command, "pg_ctl " + arguments[0] + " for " + this, directory.resolve("tool-output.log"), log());
    }

    /**
     * Signs the server certificate of every cluster built without {@link Builder#tls}: one CA per class loader
     * is enough, since each cluster writes the CA that signed it beside its data ({@link #serverCaFile()}).
     */
    private static final class DefaultServerCa {
        static final CertificateAuthority CA = CertificateAuthority.create("test-support server CA", Duration.ofDays(30));
    }

    /** Options of a cluster. Also the {@code options} argument of {@code Infrastructure.newCluster}. */
    public static final class Builder {
        private String name = "pg";
        private int port;
        private Path binDir;
        private boolean tls = true;
        private CertificateAuthority serverCa;
        private List<X509Certificate> clientCas = List.of();
        private final List<String> hbaLines = new ArrayList<>();
        private final List<String> knownRoles = new ArrayList<>();
        private final Map<String, String> settings = new LinkedHashMap<>();

        private Builder() {
        }

        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /** A fixed port; by default a free one is picked. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** The directory holding initdb and pg_ctl; by default {@link PostgresBinaries#locate()}. */
        public Builder binDir(Path binDir) {
            this.binDir = binDir;
            return this;
        }

        /** TLS with a server certificate from {@code ca}; client certificates must chain to the same CA. */
        public Builder tls(CertificateAuthority ca) {
            return tls(ca, List.of(ca.certificate()));
        }

        /** TLS with a server certificate from {@code serverCa}; {@code clientCas} become {@code ssl_ca_file}. */
        public Builder tls(CertificateAuthority serverCa, List<X509Certificate> clientCas) {
            this.tls = true;
            this.serverCa = serverCa;
            this.clientCas = List.copyOf(clientCas);
            return this;
        }

        /**
         * No TLS at all ({@code ssl = off}): a server that answers a client's SSLRequest with "no", as an
         * on-path attacker downgrading the connection would. Admin connections refuse it.
         */
        public Builder withoutTls() {
            this.tls = false;
            this.serverCa = null;
            this.clientCas = List.of();
            return this;
        }

        /**
         * A pg_hba.conf line, placed before {@value ClusterFiles#HUMANS_ONLY_BY_CERTIFICATE} (so a test's own
         * {@code cert} line for people matches first) and the default {@value ClusterFiles#DEFAULT_HBA}.
         */
        public Builder hba(String line) {
            hbaLines.add(line);
            return this;
        }

        /**
         * Admits only the roles the platform and the operator know, as production clusters do: the admin and
         * these roles (e.g. the application's, {@link SeededApplication#ownerOf}; a group as {@code +name}, e.g.
         * {@code +nais_restore} for the platform's throwaway restore logins) by password on loopback,
         * people on the builder's {@code cert} lines, and a reject line for every other role. A LOGIN role
         * somebody creates later (a superuser's stay-behind role) cannot log in.
         */
        public Builder onlyKnownRoles(String... roles) {
            knownRoles.addAll(List.of(roles));
            return this;
        }

        /** A postgresql.conf setting, e.g. {@code setting("wal_level", "logical")}. */
        public Builder setting(String key, String value) {
            settings.put(key, value);
            return this;
        }

        /** Creates the cluster's directory; call {@link PostgresCluster#start()} to run it. */
        public PostgresCluster build() {
            return new PostgresCluster(this, binDir != null ? binDir : PostgresBinaries.locate());
        }

        /** {@code build().start()}. */
        public PostgresCluster start() {
            return build().start();
        }
    }
}
