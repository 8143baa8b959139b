package io.nais.pg.console.api;

import io.nais.pg.kit.identity.CallerSettings;
import io.smallrye.config.ConfigMapping;

/** {@code nais.console.api.*}: who is who in a bearer token, as every service reads it. */
@ConfigMapping(prefix = "nais.console.api")
public interface ApiConfig extends CallerSettings {
}
