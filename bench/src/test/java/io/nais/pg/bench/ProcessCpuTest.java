package io.nais.pg.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class ProcessCpuTest {

    private static final long SELF = ProcessHandle.current().pid();
    /** CPU time each spinner uses, by its own thread clock. */
    private static final Duration SPUN = Duration.ofMillis(400);
    /** What /proc must show of it: its 10 ms ticks are sampled, so a little may be missing. */
    private static final Duration SHOWN = Duration.ofMillis(300);

    /**
     * The spinners spin until their own CPU clock (the JVM's, not /proc's) shows {@link #SPUN}, so a
     * busy machine slows the test but cannot fail it; /proc counts in 10 ms ticks, hence the margin.
     */
    @Test
    void aBusyThreadShowsInItsProcessItsThreadGroupAndTheMachine() throws Exception {
        ProcessCpu before = ProcessCpu.now();
        Duration groupBefore = ProcessCpu.byThread(SELF).getOrDefault("meter-spin", Duration.ZERO);

        Thread spinner = new Thread(() -> spin(SPUN), "meter-spin-7");
        spinner.start();
        spinner.join();

        ProcessCpu after = ProcessCpu.now();
        assertThat(after.of(SELF).minus(before.of(SELF))).isGreaterThanOrEqualTo(SHOWN);
        assertThat(after.ofTree(SELF).minus(before.ofTree(SELF))).isGreaterThanOrEqualTo(SHOWN);
        assertThat(after.machine().minus(before.machine())).isGreaterThanOrEqualTo(SHOWN);
        // the thread ended, so its group is gone from the listing: read it while a second one, done spinning, lives on
        CountDownLatch spun = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread second = new Thread(() -> {
            spin(SPUN);
            spun.countDown();
            awaitQuietly(release);
        }, "meter-spin-8");
        second.start();
        try {
            assertThat(spun.await(2, TimeUnit.MINUTES)).isTrue();
            assertThat(ProcessCpu.byThread(SELF).getOrDefault("meter-spin", Duration.ZERO).minus(groupBefore))
                    .isGreaterThanOrEqualTo(SHOWN);
        } finally {
            release.countDown();
            second.join();
        }
    }

    @Test
    void aChildsCpuCountsInItsParentsTreeNotInTheParentAlone() throws Exception {
        Process child = new ProcessBuilder("sh", "-c", "i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done")
                .start();
        long pid = child.pid();
        child.waitFor();
        // reaped by this JVM now: its CPU is in our cutime/cstime, which only the tree reading counts
        ProcessCpu now = ProcessCpu.now();
        assertThat(now.ofTree(SELF).minus(now.of(SELF))).isGreaterThanOrEqualTo(Duration.ofMillis(50));
        assertThat(pid).isPositive();
    }

    /** Spins until this thread has used {@code cpu} of CPU time. */
    private static void spin(Duration cpu) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long end = threads.getCurrentThreadCpuTime() + cpu.toNanos();
        long x = 0;
        while (threads.getCurrentThreadCpuTime() < end) {
            x += System.nanoTime() % 7;
        }
        if (x == 42) {
            System.out.println(x); // keeps the loop from being optimised away
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
