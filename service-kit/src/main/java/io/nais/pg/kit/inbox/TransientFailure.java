package io.nais.pg.kit.inbox;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * A failure of the service's own database that passes: the connection lost or refused (SQLSTATE class 08), the
 * server shutting down or starting (57P01–57P03), out of resources (class 53), a serialization failure or a
 * deadlock (40001, 40P01), or no pooled connection in time. The events being applied are not at fault; they are
 * applied again once the database answers, never dead-lettered. Decided on SQLSTATE and exception type, never on
 * message text.
 */
public final class TransientFailure {

    private static final Logger LOG = Logger.getLogger(TransientFailure.class);

    /** Enough for JTA, Agroal and pgjdbc wrapping each other; the identity set guards against cycles. */
    private static final int MAX_EXCEPTIONS = 32;

    private TransientFailure() {
    }

    /**
     * Looks through causes and suppressed exceptions: a commit that failed because the connection was gone
     * arrives as a JTA RollbackException whose driver exception is suppressed, not its cause.
     */
    public static boolean is(Throwable failure) {
        Deque<Throwable> toSee = new ArrayDeque<>();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        toSee.add(failure);
        while (!toSee.isEmpty() && seen.size() < MAX_EXCEPTIONS) {
            Throwable next = toSee.poll();
            if (next == null || !seen.add(next)) {
                continue;
            }
            if (next instanceof SQLTransientException || next instanceof SQLRecoverableException
                    || next instanceof TimeoutException
                    || next instanceof SQLException sql && transientState(sql.getSQLState())) {
                return true;
            }
            if (next.getCause() != null) {
                toSee.add(next.getCause());
            }
            toSee.addAll(List.of(next.getSuppressed()));
        }
        return false;
    }

    /** 100 ms, doubling, at most 5 s: soon after a blip, and no busy loop through an outage. */
    static Duration pauseBefore(int attempt) {
        return Duration.ofMillis(Math.min(5_000L, 100L << Math.min(attempt - 1, 6)));
    }

    /**
     * Logs the failure of {@code what} and waits before attempt {@code attempt + 1}.
     *
     * @return false when interrupted (the service stops): do not try again
     */
    static boolean pauseAfter(int attempt, String what, Throwable failure) {
        Duration pause = pauseBefore(attempt);
        LOG.warnf("the database failed %s (%s); trying again in %d ms", what, failure.toString(), pause.toMillis());
        try {
            Thread.sleep(pause.toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static boolean transientState(String state) {
        return state != null && (state.startsWith("08") || state.startsWith("53") || state.equals("57P01")
                || state.equals("57P02") || state.equals("57P03") || state.equals("40001") || state.equals("40P01"));
    }
}
