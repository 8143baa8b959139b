package io.nais.pg.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nais.pg.events.EventTopic;
import io.nais.pg.testsupport.postgres.PostgresCluster;
import java.lang.reflect.Field;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class InfrastructureTest {

    @RealInfrastructure(oidc = true, s3 = true)
    static class AnnotatedTest {
        @InjectInfrastructure Infrastructure infra;
        @InjectInfrastructure ServiceDatabase database;
    }

    @Test
    void resourceStartsEverythingAndConfiguresAFreshDatabasePerApplication() throws Exception {
        RealInfrastructureResource resource = new RealInfrastructureResource();
        resource.init(AnnotatedTest.class.getAnnotation(RealInfrastructure.class));

        Map<String, String> config = resource.start();
        RealInfrastructureResource secondApplication = new RealInfrastructureResource();
        secondApplication.init(AnnotatedTest.class.getAnnotation(RealInfrastructure.class));
        Map<String, String> second = secondApplication.start();

        assertThat(config).containsEntry("quarkus.devservices.enabled", "false")
                .containsEntry("quarkus.datasource.db-kind", "postgresql")
                .containsKeys("kafka.bootstrap.servers", "quarkus.oidc.auth-server-url", "nais.oidc.issuer", "nais.oidc.jwks-url",
                        "nais.s3.endpoint", "nais.s3.access-key", "nais.s3.secret-key", "nais.s3.region");
        assertThat(second.get("quarkus.datasource.jdbc.url")).isNotEqualTo(config.get("quarkus.datasource.jdbc.url"));
        assertThat(second.get("kafka.bootstrap.servers")).isEqualTo(config.get("kafka.bootstrap.servers"));
        try (Connection connection = DriverManager.getConnection(config.get("quarkus.datasource.jdbc.url"),
                config.get("quarkus.datasource.username"), config.get("quarkus.datasource.password"));
             ResultSet rs = connection.createStatement().executeQuery("select current_user = (select pg_get_userbyid(datdba) "
                     + "from pg_database where datname = current_database())")) {
            rs.next();
            assertThat(rs.getBoolean(1)).as("the application's user owns its database").isTrue();
        }
        HttpResponse<String> discovery = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(config.get("quarkus.oidc.auth-server-url") + "/.well-known/openid-configuration")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(discovery.statusCode()).isEqualTo(200);

        AnnotatedTest test = new AnnotatedTest();
        resource.inject((target, matches) -> inject(test, target, matches));
        assertThat(test.infra).isSameAs(Infrastructure.shared());
        assertThat(test.database.jdbcUrl()).isEqualTo(config.get("quarkus.datasource.jdbc.url"));
    }

    @Test
    void everyPlatformTopicAndItsDeadLetterTopicExistUpFront() throws Exception {
        try (var admin = Infrastructure.shared().kafka().admin()) {
            var names = admin.listTopics().names().get();
            for (EventTopic topic : EventTopic.values()) {
                assertThat(names).contains(topic.topicName(), topic.dlqTopicName());
            }
        }
    }

    @Test
    void handlesFromAnotherClassLoaderNeverStopTheSharedComponents() throws Exception {
        PostgresCluster attached = Infrastructure.shared().postgres();
        attached.close();
        attached.stop();

        try (Connection connection = Infrastructure.shared().postgres().connect("postgres")) {
            assertThat(connection.isValid(2)).isTrue();
        }
    }

    @Test
    void newClusterIsAnIndependentServer() throws Exception {
        try (PostgresCluster extra = Infrastructure.shared().newCluster("extra", b -> b.setting("wal_level", "logical"))) {
            assertThat(extra.port()).isNotEqualTo(Infrastructure.shared().postgres().port());
            try (Connection connection = extra.connect("postgres");
                 ResultSet rs = connection.createStatement().executeQuery("show wal_level")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("logical");
            }
        }
    }

    @Test
    void whenOneComponentFailsToStartTheOnesThatStartedAreClosed() {
        AtomicBoolean closed = new AtomicBoolean();
        Map<String, Supplier<AutoCloseable>> starters = new LinkedHashMap<>();
        starters.put("kafka", () -> () -> closed.set(true));
        starters.put("postgres", () -> {
            throw new IllegalStateException("initdb failed");
        });

        assertThatThrownBy(() -> Infrastructure.startAll(starters))
                .hasMessage("could not start postgres")
                .hasRootCauseMessage("initdb failed");
        assertThat(closed).isTrue();
    }

    private static void inject(Object test, Object value, Predicate<Field> matches) {
        List<Field> fields = new ArrayList<>(List.of(test.getClass().getDeclaredFields()));
        for (Field field : fields) {
            if (matches.test(field)) {
                try {
                    field.setAccessible(true);
                    field.set(test, value);
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }
}
