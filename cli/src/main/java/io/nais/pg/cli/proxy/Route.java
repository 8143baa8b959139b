package io.nais.pg.cli.proxy;

import io.nais.pg.cli.CliException;
import io.nais.pg.cli.ExitCode;
import io.nais.pg.cli.config.CliConfig;
import io.nais.pg.cli.config.ConfigKey;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Where an app's database is reached: the gateway, and the cluster id
 * {@code <team>/<app>} that the gateway takes as the database name
 * (docs/contracts.md, "Cluster id"); and whether its sessions are read-only.
 *
 * @param readOnly log in as {@code <identity>/ro}: the gateway then connects as the person's read-only role, which
 *                 can only SELECT (see access-service {@code AccessLevel})
 */
public record Route(String team, String app, String gatewayHost, int gatewayPort, boolean readOnly) {

    /** Appended to the identity to ask the gateway for a read-only session. */
    static final String READ_ONLY_SUFFIX = "/ro";

    /** A route to sessions of the person's default level. */
    public Route(String team, String app, String gatewayHost, int gatewayPort) {
        this(team, app, gatewayHost, gatewayPort, false);
    }

    /** Team and app names are Kubernetes names (RFC 1123 labels); anything else cannot exist. */
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    public static Route resolve(CliConfig config, String app, String teamFlag) {
        return resolve(config, app, teamFlag, () -> {
            throw new CliException(ExitCode.CONFIG, "Which team owns " + app + "? Pass --team <team>,"
                    + " or set team= in " + config.directory().resolve(CliConfig.FILE_NAME) + " (or NAIS_TEAM).");
        });
    }

    /** As {@link #resolve(CliConfig, String, String)}, asking {@code owner} for the team when neither flag nor config names it. */
    public static Route resolve(CliConfig config, String app, String teamFlag, Supplier<String> owner) {
        String team = teamFlag != null && !teamFlag.isBlank() ? teamFlag.strip()
                : config.get(ConfigKey.TEAM).orElseGet(owner);
        requireName("team", team);
        requireName("app", app);
        return new Route(team, app, config.require(ConfigKey.GATEWAY_HOST), config.requirePort(ConfigKey.GATEWAY_PORT));
    }

    public Route withReadOnly(boolean readOnly) {
        return new Route(team, app, gatewayHost, gatewayPort, readOnly);
    }

    /** The startup user the gateway gets: the identity, with {@code /ro} for a read-only session. */
    public String gatewayUser(String identity) {
        return readOnly ? identity + READ_ONLY_SUFFIX : identity;
    }

    public String clusterId() {
        return team + "/" + app;
    }

    public String gateway() {
        return gatewayHost + ":" + gatewayPort;
    }

    private static void requireName(String what, String name) {
        if (!NAME.matcher(name).matches()) {
            throw new CliException(ExitCode.UNKNOWN_TARGET, "There is no " + what + " called '" + name + "': " + what
                    + " names are lower-case letters, digits and dashes.");
        }
    }
}
