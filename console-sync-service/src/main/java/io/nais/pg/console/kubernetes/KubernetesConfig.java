package io.nais.pg.console.kubernetes;

import java.time.Duration;
import java.util.List;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** {@code nais.console.kubernetes.*}. */
@ConfigMapping(prefix = "nais.console.kubernetes")
public interface KubernetesConfig {

    /** Watch the operators' cluster resources (on in prod, off in dev and tests unless asked for). */
    @WithDefault("false")
    boolean enabled();

    /**
     * The operators whose resources are watched: {@code zalando}, {@code cloudnative-pg}. Name only operators
     * whose CRD is installed: nothing is synced until every watched kind has been listed once, because a kind
     * never listed would read as "all its clusters are gone".
     */
    @WithDefault("zalando,cloudnative-pg")
    List<ClusterOperator> operators();

    /** The label that names the application; the resource name when absent. */
    @WithDefault("app")
    String appLabel();

    /** A label naming the application database when {@code spec.databases} lists several. */
    @WithDefault("nais.io/database")
    String databaseLabel();

    /** Changes arriving within this window are synced together (a burst costs one diff). */
    @WithDefault("50ms")
    Duration debounce();

    /** The informer's periodic resync; the diff makes it silent when nothing changed. */
    @WithDefault("10m")
    Duration resync();
}
