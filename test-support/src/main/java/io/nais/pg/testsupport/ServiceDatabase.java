package io.nais.pg.testsupport;

import io.nais.pg.testsupport.postgres.PostgresCluster;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * A fresh database for one application under test, owned by its own LOGIN
 * role. Names are random (not counted) because every Quarkus class loader has
 * its own statics. {@link #toString()} leaves the password out.
 */
public record ServiceDatabase(String database, String username, String password, String jdbcUrl) {

    private static final SecureRandom RANDOM = new SecureRandom();

    static ServiceDatabase create(PostgresCluster cluster) {
        byte[] suffix = new byte[5];
        RANDOM.nextBytes(suffix);
        String name = "svc_" + HexFormat.of().formatHex(suffix);
        byte[] secret = new byte[18];
        RANDOM.nextBytes(secret);
        String password = HexFormat.of().formatHex(secret);
        cluster.createLoginRole(name, password);
        cluster.createDatabase(name, name);
        return new ServiceDatabase(name, name, password, cluster.jdbcUrl(name));
    }

    @Override
    public String toString() {
        return "ServiceDatabase[" + database + ", user " + username + "]";
    }
}
