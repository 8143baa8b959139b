package io.nais.pg.access.gateway;

import io.quarkus.arc.Arc;
import io.quarkus.arc.ManagedContext;
import java.util.concurrent.Executor;
import org.jboss.logging.Logger;

/**
 * The gateway's blocking steps (directory reads, outbox writes) on a pool, each in a request context of its own:
 * they run on the pool's threads, outside any HTTP request, and CDI beans they reach may need one.
 */
final class RequestScopedExecutor implements Executor {

    private static final Logger LOG = Logger.getLogger(RequestScopedExecutor.class);

    private final Executor pool;

    RequestScopedExecutor(Executor pool) {
        this.pool = pool;
    }

    @Override
    public void execute(Runnable task) {
        pool.execute(() -> {
            ManagedContext context = Arc.container().requestContext();
            context.activate();
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.error("gateway background step failed", e);
                throw e;
            } finally {
                context.terminate();
            }
        });
    }
}
