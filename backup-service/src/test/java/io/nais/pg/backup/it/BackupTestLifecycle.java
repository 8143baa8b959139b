package io.nais.pg.backup.it;

import java.util.ArrayDeque;
import java.util.Deque;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import io.nais.pg.testsupport.Infrastructure;
import io.nais.pg.testsupport.kafka.TestEventBus;

/**
 * What every backup-service test class does around its tests, in one place: before them, the bucket the
 * service writes to exists in the shared S3 store; after them, what the tests started (the event bus, a
 * team's cluster, a second replica, a file) is closed, the newest first, each even if an earlier one failed.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final BackupTestLifecycle lifecycle = new BackupTestLifecycle();
 * ...
 * TestEventBus events = lifecycle.events(infra);
 * TeamCluster cluster = lifecycle.started(TeamCluster.start(infra, "team-a", "orders", 1_000));
 * }</pre>
 */
public final class BackupTestLifecycle implements BeforeAllCallback, AfterAllCallback {

    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private TestEventBus events;

    @Override
    public void beforeAll(ExtensionContext context) {
        Infrastructure.shared().s3().createBucket(PlainS3.BUCKET);
    }

    /** The test class's event bus: opened at the first call, closed after the class's tests. */
    public TestEventBus events(Infrastructure infra) {
        if (events == null) {
            events = closedAfterAll(infra.events());
        }
        return events;
    }

    /** A team's cluster whose server stops after the class's tests. */
    public TeamCluster started(TeamCluster cluster) {
        closedAfterAll(cluster.postgres);
        return cluster;
    }

    /** Closes {@code resource} after the class's tests. */
    public <T extends AutoCloseable> T closedAfterAll(T resource) {
        started.push(resource);
        return resource;
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        Exception failure = null;
        while (!started.isEmpty()) {
            try {
                started.pop().close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        events = null;
        if (failure != null) {
            throw failure;
        }
    }
}
