package io.nais.pg.cli.proxy;

import io.nais.pg.cli.Nais;
import io.nais.pg.cli.api.AppOwner;
import io.nais.pg.cli.config.CliConfig;
import io.nais.pg.cli.config.ConfigKey;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The app argument and the options that pick its gateway route; shared by proxy and psql. */
public final class Target {

    @Parameters(index = "0", paramLabel = "APP", description = "The application whose database to reach.")
    String app;

    @Option(names = {"-t", "--team"}, paramLabel = "TEAM", description = "Team that owns the app (default: config `team`, else looked up in the console API).")
    String team;

    @Option(names = "--gateway", paramLabel = "HOST:PORT", description = "Gateway address (default: config `gateway.host`/`gateway.port`).")
    String gateway;

    @Option(names = "--read-only", description = "Open read-only sessions: you log in as your read-only role, which can"
            + " SELECT and nothing else, whatever the session tries.")
    boolean readOnly;

    public Route route(CliConfig config) {
        return Route.resolve(withGateway(config), app, team).withReadOnly(readOnly);
    }

    /** The route, with the owning team looked up in the console API when neither --team nor config names it. */
    public Route route(Nais nais, CliConfig config) {
        CliConfig withGateway = withGateway(config);
        return Route.resolve(withGateway, app, team, () -> AppOwner.teamOf(nais, withGateway, app, null))
                .withReadOnly(readOnly);
    }

    public CliConfig withGateway(CliConfig config) {
        if (gateway == null) {
            return config;
        }
        int colon = gateway.lastIndexOf(':');
        return colon < 0 ? config.with(ConfigKey.GATEWAY_HOST, gateway)
                : config.with(ConfigKey.GATEWAY_HOST, gateway.substring(0, colon)).with(ConfigKey.GATEWAY_PORT, gateway.substring(colon + 1));
    }
}
