package io.nais.pg.access;

import io.nais.pg.testsupport.Infrastructure;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * The operator's step before the first start (deploy/README.md): the NOLOGIN group
 * role V19__gateway_reader_role.sql grants the gateway's privileges to. Roles
 * belong to the server, and the services' test databases share one.
 */
public class GatewayReaderRole implements QuarkusTestResourceLifecycleManager {

    public static final String NAME = "nais_access_gateway";

    @Override
    public Map<String, String> start() {
        ensureExists();
        return Map.of();
    }

    @Override
    public void stop() {
    }

    public static void ensureExists() {
        Infrastructure.shared().postgres().execute("postgres", """
                DO $$ BEGIN
                    CREATE ROLE "%s" NOLOGIN;
                EXCEPTION WHEN duplicate_object THEN NULL;
                END $$""".formatted(NAME));
    }
}
