package io.nais.pg.kit.metrics;

import java.util.function.DoubleSupplier;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

/**
 * A gauge read from the service's database at scrape time: every replica reports the same number and a restart
 * loses nothing. While the database cannot answer it reads NaN, so the scrape still succeeds (the datasource's
 * readiness check reports the database, not the metrics).
 */
public final class DatabaseGauge {

    private static final Logger LOG = Logger.getLogger(DatabaseGauge.class);

    private DatabaseGauge() {
    }

    public static Gauge register(MeterRegistry meters, String name, Tags tags, String description, DoubleSupplier read) {
        // strongly: the supplier is often a lambda nothing else holds, and a gauge holds its object weakly by default
        return Gauge.builder(name, read, r -> orNaN(name, r)).strongReference(true).tags(tags).description(description)
                .register(meters);
    }

    private static double orNaN(String name, DoubleSupplier read) {
        try {
            return read.getAsDouble();
        } catch (RuntimeException e) {
            LOG.debugf("%s not read: %s", name, e.getMessage());
            return Double.NaN;
        }
    }
}
