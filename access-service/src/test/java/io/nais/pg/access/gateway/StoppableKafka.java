package io.nais.pg.access.gateway;

import io.nais.pg.testsupport.Infrastructure;
import io.nais.pg.testsupport.InjectInfrastructure;
import io.nais.pg.testsupport.kafka.KafkaBroker;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * A Kafka broker of the test class's own, which the test may stop and restart
 * (the JVM-wide broker of {@code @RealInfrastructure} is shared, so no test may take
 * it away). Injected into fields {@code @InjectInfrastructure KafkaBroker}; use with
 * {@code @RealInfrastructure(kafka = false, ...)}.
 */
public class StoppableKafka implements QuarkusTestResourceLifecycleManager {

    private KafkaBroker broker;

    @Override
    public Map<String, String> start() {
        broker = KafkaBroker.start();
        broker.createTopics(Infrastructure.platformTopics());
        return Map.of("kafka.bootstrap.servers", broker.bootstrapServers());
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(broker,
                new TestInjector.AnnotatedAndMatchesType(InjectInfrastructure.class, KafkaBroker.class));
    }

    @Override
    public void stop() {
        broker.close();
    }
}
