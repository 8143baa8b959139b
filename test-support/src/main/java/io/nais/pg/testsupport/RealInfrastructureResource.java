package io.nais.pg.testsupport;

import io.nais.pg.testsupport.oidc.OidcIssuer;
import io.nais.pg.testsupport.s3.S3Store;
import io.quarkus.test.common.QuarkusTestResourceConfigurableLifecycleManager;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Quarkus test resource behind {@link RealInfrastructure}. Configuration it returns:
 * <ul>
 *   <li>always: {@code quarkus.devservices.enabled=false}</li>
 *   <li>kafka: {@code kafka.bootstrap.servers}</li>
 *   <li>postgres: {@code quarkus.datasource.db-kind=postgresql}, {@code quarkus.datasource.jdbc.url},
 *       {@code quarkus.datasource.username}, {@code quarkus.datasource.password} (a fresh database and owner)</li>
 *   <li>oidc (or oidcLoginForm, its issuer): {@code quarkus.oidc.auth-server-url}, {@code nais.oidc.issuer},
 *       {@code nais.oidc.jwks-url}</li>
 *   <li>s3: {@code nais.s3.endpoint}, {@code nais.s3.access-key}, {@code nais.s3.secret-key}, {@code nais.s3.region}</li>
 * </ul>
 * {@link #stop()} stops nothing: the components are JVM-wide and die with the JVM.
 */
public final class RealInfrastructureResource implements QuarkusTestResourceConfigurableLifecycleManager<RealInfrastructure> {

    private RealInfrastructure wanted;
    private Infrastructure infrastructure;
    private ServiceDatabase database;

    @Override
    public void init(RealInfrastructure annotation) {
        this.wanted = annotation;
    }

    @Override
    public Map<String, String> start() {
        infrastructure = Infrastructure.shared().require(wanted.kafka(), wanted.postgres(),
                wanted.oidc() && !wanted.oidcLoginForm(), wanted.s3());
        Map<String, String> config = new LinkedHashMap<>();
        config.put("quarkus.devservices.enabled", "false");
        if (wanted.kafka()) {
            config.put("kafka.bootstrap.servers", infrastructure.kafka().bootstrapServers());
        }
        if (wanted.postgres()) {
            database = infrastructure.newServiceDatabase();
            config.put("quarkus.datasource.db-kind", "postgresql");
            config.put("quarkus.datasource.jdbc.url", database.jdbcUrl());
            config.put("quarkus.datasource.username", database.username());
            config.put("quarkus.datasource.password", database.password());
        }
        if (wanted.oidc() || wanted.oidcLoginForm()) {
            OidcIssuer oidc = wanted.oidcLoginForm() ? infrastructure.oidcWithLoginForm() : infrastructure.oidc();
            config.put("quarkus.oidc.auth-server-url", oidc.issuerUrl());
            config.put("nais.oidc.issuer", oidc.issuerUrl());
            config.put("nais.oidc.jwks-url", oidc.jwksUrl());
        }
        if (wanted.s3()) {
            S3Store s3 = infrastructure.s3();
            config.put("nais.s3.endpoint", s3.endpoint());
            config.put("nais.s3.access-key", s3.accessKey());
            config.put("nais.s3.secret-key", s3.secretKey());
            config.put("nais.s3.region", s3.region());
        }
        return config;
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(infrastructure,
                new TestInjector.AnnotatedAndMatchesType(InjectInfrastructure.class, Infrastructure.class));
        if (database != null) {
            testInjector.injectIntoFields(database,
                    new TestInjector.AnnotatedAndMatchesType(InjectInfrastructure.class, ServiceDatabase.class));
        }
    }

    @Override
    public void stop() {
        // JVM-wide components outlive one application; the Reaper stops them at exit
    }
}
