package io.nais.pg.testsupport.process;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Closes every registered component when the JVM exits, newest first, so a
 * test run or the local platform never leaves brokers or clusters behind.
 * Components deregister themselves when closed explicitly.
 */
public final class Reaper {

    private static final Set<AutoCloseable> OPEN = Collections.synchronizedSet(new LinkedHashSet<>());

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(Reaper::closeAll, "test-support-reaper"));
    }

    private Reaper() {
    }

    public static void register(AutoCloseable component) {
        OPEN.add(component);
    }

    public static void deregister(AutoCloseable component) {
        OPEN.remove(component);
    }

    private static void closeAll() {
        List<AutoCloseable> newestFirst;
        synchronized (OPEN) {
            newestFirst = new ArrayList<>(OPEN);
        }
        Collections.reverse(newestFirst);
        for (AutoCloseable component : newestFirst) {
            try {
                component.close();
            } catch (Exception e) {
                System.err.println("test-support: could not close " + component + ": " + e);
            }
        }
    }
}
