package io.nais.pg.console.teams;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** {@code nais.console.teams.*}: the Teams API bridge; off unless a URL and teams are set. */
@ConfigMapping(prefix = "nais.console.teams")
public interface TeamsConfig {

    /** Base URL of a Zalando-compatible Teams API ({@code GET <url>/teams/{team}}). */
    Optional<URI> url();

    Optional<List<String>> teams();

    @WithDefault("60s")
    Duration pollInterval();

    /** A poll that would remove more than this fraction of a team's members is refused (0..1). */
    @WithDefault("0.5")
    double maxRemovedFraction();

    @WithDefault("10s")
    Duration requestTimeout();
}
