package io.nais.pg.kit.health;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.is;

import java.net.URL;
import java.time.Duration;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.nais.pg.testsupport.InjectInfrastructure;
import io.nais.pg.testsupport.Infrastructure;
import io.nais.pg.testsupport.RealInfrastructure;
import io.nais.pg.testsupport.ServiceDatabase;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@RealInfrastructure(kafka = true, postgres = true)
class ReadinessTest {

    static final String DATABASE_CHECK = "Database connections health check";
    static final String KAFKA_CHECK = "Kafka connection health check";

    @InjectInfrastructure
    Infrastructure infra;

    @InjectInfrastructure
    ServiceDatabase database;

    /** The management interface's readiness (quarkus.management.enabled): the port the kubelet probes. */
    @TestHTTPResource(value = "/health/ready", management = true)
    URL ready;

    @Test
    void readyWithRealKafkaAndDatabaseChecks() {
        given().when().get(ready).then().statusCode(200)
                .body("status", is("UP"))
                .body("checks.name", hasItems(DATABASE_CHECK, KAFKA_CHECK));
    }

    @Test
    void notReadyWhileTheDatabaseRefusesConnectionsAndReadyAgainAfter() {
        refuseConnections(true);
        try {
            Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                    given().when().get(ready).then().statusCode(503)
                            .body("status", is("DOWN")));
        } finally {
            refuseConnections(false);
        }
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().when().get(ready).then().statusCode(200).body("status", is("UP")));
    }

    /** The service's own database stops accepting connections and its open ones end: an outage for this app only. */
    private void refuseConnections(boolean refuse) {
        String db = '"' + database.database() + '"';
        infra.postgres().execute("postgres", "ALTER DATABASE " + db + " WITH ALLOW_CONNECTIONS " + !refuse);
        if (refuse) {
            infra.postgres().execute("postgres", "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '"
                    + database.database() + "'");
        }
    }
}
