package io.nais.pg.dbagrant;

import java.time.Duration;

import io.nais.pg.dbagrant.model.GrantRules;
import io.nais.pg.kit.identity.CallerSettings;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** {@code nais.dba-grant.*}: the rules' limits and the expiry timer. */
@ConfigMapping(prefix = "nais.dba-grant")
public interface DbaGrantConfig {

    /** The group claim a requester must hold. */
    @WithDefault("dba")
    String dbaGroup();

    /** The longest grant that may be requested. */
    @WithDefault("4h")
    Duration maxDuration();

    /** How long a request stays approvable unanswered. */
    @WithDefault("1h")
    Duration pendingTtl();

    /**
     * Who the service is when it decides on its own (a request that breaks a
     * rule, one left unanswered past the TTL): the events' decidedBy must be a
     * mailbox, like every other actor.
     */
    @WithDefault("dba-grant-service@nais.io")
    String serviceIdentity();

    Expiry expiry();

    Api api();

    /** {@code nais.dba-grant.api.*}: who is who in a bearer token, read as every service reads it (admins see every team's grants). */
    interface Api extends CallerSettings {
    }

    interface Expiry {
        /** How often the timer looks for due grants (it also runs at start-up). */
        @WithDefault("200ms")
        Duration interval();

        /** Grants claimed per transaction. */
        @WithDefault("500")
        int batchSize();

        /** Off only in tests that drive the timer themselves. */
        @WithDefault("true")
        boolean enabled();
    }

    default GrantRules rules() {
        return new GrantRules(dbaGroup(), maxDuration(), pendingTtl());
    }
}
