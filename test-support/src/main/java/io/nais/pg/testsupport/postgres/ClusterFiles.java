package io.nais.pg.testsupport.postgres;

import io.nais.pg.pki.CertificateAuthority;
import io.nais.pg.pki.IssuedCertificate;
import io.nais.pg.pki.Pem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.nais.pg.tools.Quote;

/** Writes postgresql.conf settings, pg_hba.conf and the TLS files of a fresh data directory. */
final class ClusterFiles {

    static final String DEFAULT_HBA = "host all all 127.0.0.1/32 scram-sha-256";
    /**
     * People (members of {@code nais_human}) log in only on a builder's {@code cert} line, as through the
     * gateway: a password a person sets on their own role opens nothing. No such role yet matches nothing.
     */
    static final String HUMANS_ONLY_BY_CERTIFICATE = "host all +nais_human all reject";
    static final String REJECT_OTHERS = "host all all all reject";

    private ClusterFiles() {
    }

    /** Settings every throwaway cluster gets; a builder's settings come after and win. */
    static void writeSettings(Path data, int port, boolean tls, Map<String, String> extra) {
        List<String> lines = new ArrayList<>(List.of(
                "",
                "# written by io.nais.pg.testsupport.postgres.PostgresCluster",
                "listen_addresses = '127.0.0.1'",
                "port = " + port,
                // TCP only: no socket file to collide with the machine's own server
                "unix_socket_directories = ''",
                // throwaway data: durability buys nothing and costs start-up and test time
                "fsync = off",
                "synchronous_commit = off",
                "full_page_writes = off",
                // a long-running server recycles its WAL segments; a throwaway one only creates them, and filling
                // each new one with zeros first was a quarter of the console database's CPU under the statement audit
                "wal_init_zero = off",
                "shared_buffers = '32MB'",
                "max_connections = 200",
                "password_encryption = 'scram-sha-256'"));
        if (tls) {
            lines.addAll(List.of("ssl = on", "ssl_cert_file = 'server.crt'", "ssl_key_file = 'server.key'",
                    "ssl_ca_file = 'client-ca.crt'"));
        }
        extra.forEach((key, value) -> lines.add(key + " = " + Quote.literal(value)));
        append(data.resolve("postgresql.conf"), String.join("\n", lines) + "\n");
    }

    /**
     * The builder's lines, then the reject line for people, then the password line for the loopback address:
     * for everybody, or, with {@code knownRoles}, for those roles only and a reject line for every other.
     */
    static void writeHba(Path data, List<String> customLines, List<String> knownRoles) {
        List<String> lines = new ArrayList<>();
        lines.add("# written by io.nais.pg.testsupport.postgres.PostgresCluster");
        lines.addAll(customLines);
        lines.add(HUMANS_ONLY_BY_CERTIFICATE);
        if (knownRoles.isEmpty()) {
            lines.add(DEFAULT_HBA);
        } else {
            lines.add("host all " + String.join(",", knownRoles.stream().map(ClusterFiles::hbaName).toList())
                    + " 127.0.0.1/32 scram-sha-256");
            lines.add(REJECT_OTHERS);
        }
        write(data.resolve("pg_hba.conf"), String.join("\n", lines) + "\n");
    }

    /** A role name as a pg_hba.conf token: double-quoted, so a name is never read as a keyword or a list; {@code +group} as it is. */
    private static String hbaName(String role) {
        if (role.matches("\\+[a-z_][a-z0-9_]*")) {
            return role; // a group (+name): quoted, it would name a role called "+name"
        }
        if (role.indexOf('"') >= 0 || role.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("role name not usable in pg_hba.conf: " + role);
        }
        return '"' + role + '"';
    }

    /** A server certificate for 127.0.0.1/localhost from {@code serverCa}, and the CAs that client certificates must chain to; returns the files written. */
    static List<Path> writeTls(Path data, CertificateAuthority serverCa, List<X509Certificate> clientCas) {
        IssuedCertificate server = serverCa.issueServer("localhost", List.of("localhost", "127.0.0.1"), Duration.ofDays(30));
        List<Path> files = List.of(data.resolve("server.crt"), data.resolve("server.key"), data.resolve("client-ca.crt"));
        Pem.writeCertificates(files.get(0), server.certificateAndChain());
        writeOwnerOnly(files.get(1), server.privateKeyPem());
        Pem.writeCertificates(files.get(2), clientCas);
        return files;
    }

    static void writeOwnerOnly(Path file, String content) {
        try {
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void append(Path file, String content) {
        try {
            Files.writeString(file, content, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path file, String content) {
        try {
            Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
