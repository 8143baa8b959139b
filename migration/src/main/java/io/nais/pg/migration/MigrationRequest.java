package io.nais.pg.migration;

import io.nais.pg.migration.connect.Endpoint;
import io.nais.pg.migration.plan.Mode;
import java.time.Duration;

/**
 * One run of {@code nais postgres migrate}.
 *
 * @param clusterId the target cluster, {@code <team>/<app>}: the events' key
 * @param applicationRole the role that must own what is restored; null: the target database's owner
 * @param target the target cluster's ADMIN login: {@link Migration#run()} refuses it unless it verifies the server
 *               ({@code sslmode=verify-full})
 * @param catchUpTimeout how long replicate mode waits for the initial copy and for zero lag
 */
public record MigrationRequest(String clusterId, Endpoint source, Endpoint target, Mode mode, boolean dryRun,
        boolean cutover, boolean force, String applicationRole, Duration catchUpTimeout) {
}
