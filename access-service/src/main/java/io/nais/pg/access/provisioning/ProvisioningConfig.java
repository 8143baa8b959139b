package io.nais.pg.access.provisioning;

import java.time.Duration;
import java.util.List;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** {@code nais.access.provisioning.*}: the human guards and the reconciler's pacing. */
@ConfigMapping(prefix = "nais.access.provisioning")
public interface ProvisioningConfig {

    /** Per-role defaults set on every human role (ALTER ROLE … SET). */
    Humans humans();

    /** Clusters reconciled at once; each cluster is worked by one thread at a time. */
    @WithDefault("8")
    int parallelism();

    /** First retry delay after a cluster failed; doubles per attempt, with jitter. */
    @WithDefault("PT0.5S")
    Duration initialBackoff();

    @WithDefault("PT1M")
    Duration maxBackoff();

    /** How often every cluster is fully resynced, healing drift and stray roles. */
    @WithDefault("PT10M")
    Duration resyncInterval();

    /** When the first full resync runs after start (drift that arose while the service was down). */
    @WithDefault("PT30S")
    Duration resyncDelay();

    /** How often due work is swept up, for wake-ups lost to a crash or another replica. */
    @WithDefault("PT2S")
    Duration sweepInterval();

    /**
     * LOGIN roles the operator creates and keeps (besides the cluster's admin, which is never touched, and its
     * application role): a LOGIN role gained during a DBA grant that is neither one of these nor the
     * platform's is set NOLOGIN when the grant ends. E.g. Zalando {@code postgres,standby}, CNPG
     * {@code postgres,streaming_replica}.
     */
    @WithDefault("postgres,standby,streaming_replica")
    List<String> knownRoles();

    interface Humans {
        @WithDefault("5min")
        String statementTimeout();

        @WithDefault("10min")
        String idleInTransactionSessionTimeout();
    }
}
