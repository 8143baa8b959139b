package io.nais.pg.testsupport.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class ProcessCpuTest {

    private static final long SELF = ProcessHandle.current().pid();

    @Test
    void aBusyThreadShowsInItsProcessItsThreadGroupAndTheMachine() throws Exception {
        ProcessCpu before = ProcessCpu.now();
        Duration groupBefore = ProcessCpu.byThread(SELF).getOrDefault("meter-spin", Duration.ZERO);

        Thread spinner = new Thread(() -> spin(Duration.ofMillis(400)), "meter-spin-7");
        spinner.start();
        spinner.join();

        ProcessCpu after = ProcessCpu.now();
        // at least half the spin: the machine is shared and the tick is 10 ms
        assertThat(after.of(SELF).minus(before.of(SELF))).isGreaterThanOrEqualTo(Duration.ofMillis(200));
        assertThat(after.ofTree(SELF).minus(before.ofTree(SELF))).isGreaterThanOrEqualTo(Duration.ofMillis(200));
        assertThat(after.machine().minus(before.machine())).isGreaterThanOrEqualTo(Duration.ofMillis(200));
        // the thread ended, so its group is gone from the listing: read it while a second one spins
        Thread second = new Thread(() -> spin(Duration.ofMillis(1_000)), "meter-spin-8");
        second.start();
        Thread.sleep(600);
        assertThat(ProcessCpu.byThread(SELF).getOrDefault("meter-spin", Duration.ZERO).minus(groupBefore))
                .isGreaterThanOrEqualTo(Duration.ofMillis(100));
        second.join();
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

    private static void spin(Duration duration) {
        long end = System.nanoTime() + duration.toNanos();
        long x = 0;
        while (System.nanoTime() < end) {
            x += System.nanoTime() % 7;
        }
        if (x == 42) {
            System.out.println(x); // keeps the loop from being optimised away
        }
    }
}
