package io.nais.pg.console.discovery;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** {@code nais.console.discovery.*}. */
@ConfigMapping(prefix = "nais.console.discovery")
public interface DiscoveryConfig {

    /**
     * The YAML or JSON file of clusters for the local file source; absent in
     * production, where clusters come from Kubernetes.
     */
    Optional<Path> file();

    /** How often the file is checked for changes; read by {@link FileClusterSource}'s schedule. */
    @WithDefault("2s")
    Duration pollInterval();
}
