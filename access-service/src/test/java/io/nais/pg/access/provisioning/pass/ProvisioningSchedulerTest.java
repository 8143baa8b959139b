package io.nais.pg.access.provisioning.pass;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.smallrye.config.SmallRyeConfigBuilder;
import io.nais.pg.access.provisioning.ProvisioningConfig;

/**
 * The scheduler's per-cluster state, with a provisioner that only counts its passes (pure logic: the passes
 * themselves are proven against real clusters in ProvisioningFlowTest): one pass per wake-up, and every
 * wake-up that arrives while a pass runs folded into exactly one more.
 */
class ProvisioningSchedulerTest {

    private final CountingProvisioner provisioner = new CountingProvisioner();
    private final ProvisioningScheduler scheduler = new ProvisioningScheduler(provisioner, null, null, config());

    @AfterEach
    void stop() {
        scheduler.stop();
    }

    @Test
    void aWakeUpIsExactlyOnePass() throws Exception {
        provisioner.release();
        scheduler.wake("team-a/app");

        provisioner.awaitPasses(1);
        awaitIdle(); // the run has ended: a second pass would have been in it
        assertThat(provisioner.passes.get()).isEqualTo(1);
    }

    @Test
    void wakeUpsDuringAPassBringExactlyOneMorePass() throws Exception {
        scheduler.wake("team-a/app");
        provisioner.awaitStarted();
        for (int i = 0; i < 5; i++) {
            scheduler.wake("team-a/app"); // marks committed while the pass runs
        }
        provisioner.release();

        provisioner.awaitPasses(2);
        awaitIdle();
        assertThat(provisioner.passes.get()).isEqualTo(2);
    }

    @Test
    void aWakeUpAfterThePassEndedIsANewPass() throws Exception {
        provisioner.release();
        scheduler.wake("team-a/app");
        provisioner.awaitPasses(1);
        awaitIdle(); // the run has ended: the next wake-up starts a new one

        scheduler.wake("team-a/app");

        provisioner.awaitPasses(2);
        assertThat(provisioner.passes.get()).isEqualTo(2);
    }

    private void awaitIdle() {
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> scheduler.isIdle("team-a/app"));
    }

    /** Counts passes; each pass waits until {@link #release} (so a test can wake it meanwhile). */
    private static final class CountingProvisioner extends ClusterProvisioner {

        final AtomicInteger passes = new AtomicInteger();
        private final CountDownLatch started = new CountDownLatch(1);
        private final CountDownLatch released = new CountDownLatch(1);

        CountingProvisioner() {
            super(null, null, null, null, null, null, null, null, null, null, null);
        }

        @Override
        public void reconcile(String clusterId) {
            started.countDown();
            try {
                released.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            passes.incrementAndGet();
        }

        void release() {
            released.countDown();
        }

        void awaitStarted() throws InterruptedException {
            assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
        }

        void awaitPasses(int count) throws InterruptedException {
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (passes.get() < count && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(passes.get()).isGreaterThanOrEqualTo(count);
        }
    }

    /** The service's own mapping with its defaults (parallelism 8), as the application would build it. */
    private static ProvisioningConfig config() {
        return new SmallRyeConfigBuilder().withMapping(ProvisioningConfig.class).build()
                .getConfigMapping(ProvisioningConfig.class);
    }
}
