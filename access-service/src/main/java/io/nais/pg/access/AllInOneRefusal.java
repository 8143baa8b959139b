package io.nais.pg.access;

import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Refuses {@link AccessMode#ALL} in a packaged (production) run: one process serving the
 * internet-facing gateway while holding every cluster's admin credentials is what the split into the
 * access-gateway and access-provisioning Deployments prevents (docs/threat-model.md). Dev mode and
 * tests may run both in one process. There is no override: a packaged run wanting both runs two
 * processes. Observed before any other startup observer, so the gateway never opens its port.
 */
@ApplicationScoped
class AllInOneRefusal {

    void onStart(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent startup,
                 @ConfigProperty(name = "nais.access.mode") AccessMode mode) {
        refuse(mode, LaunchMode.current());
    }

    static void refuse(AccessMode mode, LaunchMode launchMode) {
        if (mode == AccessMode.ALL && launchMode == LaunchMode.NORMAL) {
            throw new IllegalStateException("nais.access.mode=all is for dev mode and tests only: it would run the "
                    + "internet-facing gateway in the process that holds every cluster's admin credentials. "
                    + "Run nais.access.mode=gateway and nais.access.mode=provisioning as two processes.");
        }
    }
}
