package io.nais.pg.testsupport.process;

import java.lang.reflect.Method;
import java.util.Arrays;

/**
 * Entry point of every child JVM: runs the real main class, and halts the
 * child when its standard input reaches end-of-file, which happens when the
 * parent JVM dies by any means (even SIGKILL, when no shutdown hook runs).
 * Uses the JDK only, because it is the one class of ours on the child's classpath.
 */
public final class OrphanGuard {

    private OrphanGuard() {
    }

    public static void main(String[] args) throws Throwable {
        Thread watcher = new Thread(() -> {
            try {
                while (System.in.read() != -1) {
                    // the parent never writes; any byte is ignored
                }
            } catch (Exception e) {
                // a broken pipe means the same as end-of-file
            }
            Runtime.getRuntime().halt(0);
        }, "orphan-guard");
        watcher.setDaemon(true);
        watcher.start();
        Method main = Class.forName(args[0]).getMethod("main", String[].class);
        try {
            main.invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
