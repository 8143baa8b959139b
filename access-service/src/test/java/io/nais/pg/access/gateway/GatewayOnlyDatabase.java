package io.nais.pg.access.gateway;

import io.nais.pg.access.GatewayReaderRole;
import io.nais.pg.testsupport.InjectInfrastructure;
import io.nais.pg.testsupport.Infrastructure;
import io.nais.pg.testsupport.ServiceDatabase;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import org.flywaydb.core.Flyway;

/**
 * The database as a gateway Deployment finds it: the schema migrated by provisioning (the same
 * migrations, run here as the owner), and a LOGIN role of the gateway's own that is only a member
 * of {@code nais_access_gateway}. The application's datasource logs in as that role; the owner's
 * {@link ServiceDatabase} is injected into the test (it plays provisioning, which writes the directory).
 */
public class GatewayOnlyDatabase implements QuarkusTestResourceLifecycleManager {

    private static final SecureRandom RANDOM = new SecureRandom();

    private ServiceDatabase owner;

    @Override
    public Map<String, String> start() {
        GatewayReaderRole.ensureExists();
        owner = Infrastructure.shared().newServiceDatabase();
        Flyway.configure().dataSource(owner.jdbcUrl(), owner.username(), owner.password())
                .locations("classpath:db/migration", "classpath:db/kit").load().migrate();
        String login = "gw_" + random(5);
        String password = random(18);
        Infrastructure.shared().postgres().execute("postgres", "CREATE ROLE \"" + login + "\" LOGIN PASSWORD '"
                + password + "' IN ROLE \"" + GatewayReaderRole.NAME + "\"");
        return Map.of("quarkus.datasource.db-kind", "postgresql",
                "quarkus.datasource.jdbc.url", owner.jdbcUrl(),
                "quarkus.datasource.username", login,
                "quarkus.datasource.password", password);
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(owner,
                new TestInjector.AnnotatedAndMatchesType(InjectInfrastructure.class, ServiceDatabase.class));
    }

    @Override
    public void stop() {
    }

    /** Hex only, so the name and the password need no quoting beyond the quotes above. */
    private static String random(int bytes) {
        byte[] value = new byte[bytes];
        RANDOM.nextBytes(value);
        return HexFormat.of().formatHex(value);
    }
}
