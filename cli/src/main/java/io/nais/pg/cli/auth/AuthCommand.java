package io.nais.pg.cli.auth;

import io.nais.pg.cli.Nais;
import io.nais.pg.cli.config.CliConfig;
import io.nais.pg.cli.config.ConfigKey;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code nais auth …}: log in, show the login, hand out the token, log out. */
@Command(name = "auth", description = "Log in to nais and manage the stored login.",
        footerHeading = "%nExamples:%n",
        footer = {"  nais auth login", "  nais auth status", "  psql \"password=$(nais auth print-access-token) …\"  (rarely needed: the proxy sends it)", "  nais auth logout"},
        subcommands = {AuthCommand.Login.class, AuthCommand.Status.class, AuthCommand.PrintAccessToken.class, AuthCommand.Logout.class})
public final class AuthCommand {

    @ParentCommand
    Nais nais;

    @Command(name = "login", description = {
            "Log in (OIDC authorization code + PKCE, redirect to 127.0.0.1) and store the tokens",
            "in the config directory, readable by you only (0600). The first line says which way applies:",
            "  - a browser here: it opens on the login page;",
            "  - no browser (or --no-browser): a silent sign-in where the issuer allows it (the local",
            "    platform), else the URL is printed: log in in any browser and paste the address it ends on;",
            "  - --device: the device authorization grant (a code to enter on any device), if the issuer",
            "    offers it; else the paste way."},
            footerHeading = "%nExamples:%n",
            footer = {"  nais auth login", "  nais auth login --no-browser    # e.g. over SSH: paste the address back",
                    "  nais auth login --device        # e.g. in a container"})
    static final class Login implements Callable<Integer> {
        @ParentCommand AuthCommand auth;
        @Spec CommandSpec spec;

        @Option(names = "--issuer", paramLabel = "URL", description = "OIDC issuer (default: config `issuer`).")
        String issuer;
        @Option(names = "--client-id", paramLabel = "ID", description = "OIDC client id (default: config `client-id`).")
        String clientId;
        @Option(names = "--no-browser", description = "Do not try to open a browser: print the URL and accept the pasted address.")
        boolean noBrowser;
        @Option(names = "--device", description = "Log in with a device code (RFC 8628) if the issuer offers it.")
        boolean device;
        @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "300", description = "How long to wait for the login (default: ${DEFAULT-VALUE}).")
        int timeoutSeconds;

        @Override
        public Integer call() {
            CliConfig config = auth.nais.config().with(ConfigKey.ISSUER, issuer).with(ConfigKey.CLIENT_ID, clientId);
            OidcClient oidc = new OidcClient(config.require(ConfigKey.ISSUER), config.require(ConfigKey.CLIENT_ID),
                    config.require(ConfigKey.IDENTITY_CLAIM));
            LoginFlow flow = new LoginFlow(oidc, new TokenCache(config.directory()), config.require(ConfigKey.SCOPES));
            PrintWriter err = spec.commandLine().getErr();
            BufferedReader pasted = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            int callbackPort = config.requirePort(ConfigKey.LOGIN_CALLBACK_PORT);
            Duration timeout = Duration.ofSeconds(timeoutSeconds);
            TokenSet tokens = device ? flow.runWithDeviceCode(callbackPort, err, pasted, timeout)
                    : flow.run(callbackPort, err, noBrowser ? null : new BrowserLauncher(auth.nais.environment()), pasted, timeout);
            err.println("Logged in as " + tokens.identity() + ".");
            err.flush();
            return 0;
        }
    }

    @Command(name = "status", description = "Show who you are logged in as and when the login expires.",
            footerHeading = "%nExamples:%n", footer = "  nais auth status")
    static final class Status implements Callable<Integer> {
        @ParentCommand AuthCommand auth;
        @Spec CommandSpec spec;

        @Override
        public Integer call() {
            AccessTokens tokens = new AccessTokens(auth.nais.config(), auth.nais.environment());
            PrintWriter out = spec.commandLine().getOut();
            TokenSet current = tokens.peek().orElseThrow(() -> io.nais.pg.cli.CliException.notLoggedIn("You are not logged in."));
            out.println("Logged in as " + current.identity() + (tokens.fromEnvironment() ? " (token from NAIS_TOKEN)" : ""));
            out.println("Issuer:     " + current.issuer());
            out.println("Expires:    " + describe(Duration.between(Instant.now(), current.expiresAt())) + " (" + current.expiresAt() + ")");
            out.println("Renewable:  " + (current.canRefresh() ? "yes, with the stored refresh token" : "no"));
            out.flush();
            return 0;
        }

        static String describe(Duration left) {
            if (left.isNegative()) {
                return "expired " + human(left.negated()) + " ago";
            }
            return "in " + human(left);
        }

        private static String human(Duration d) {
            long hours = d.toHours();
            return hours > 0 ? hours + "h " + d.toMinutesPart() + "m" : d.toMinutes() + "m " + d.toSecondsPart() + "s";
        }
    }

    @Command(name = "print-access-token", description = {
            "Print the current access token (renewed if near expiry) on stdout.",
            "The only command that ever shows a token: keep it out of logs and shell history."},
            footerHeading = "%nExamples:%n", footer = "  curl -H \"Authorization: Bearer $(nais auth print-access-token)\" …")
    static final class PrintAccessToken implements Callable<Integer> {
        @ParentCommand AuthCommand auth;
        @Spec CommandSpec spec;

        @Override
        public Integer call() {
            spec.commandLine().getOut().println(new AccessTokens(auth.nais.config(), auth.nais.environment()).current().accessToken());
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    @Command(name = "logout", description = "Forget the stored login (deletes the token cache).",
            footerHeading = "%nExamples:%n", footer = "  nais auth logout")
    static final class Logout implements Callable<Integer> {
        @ParentCommand AuthCommand auth;
        @Spec CommandSpec spec;

        @Override
        public Integer call() {
            boolean deleted = new TokenCache(auth.nais.config().directory()).delete();
            spec.commandLine().getErr().println(deleted ? "Logged out." : "You were not logged in.");
            spec.commandLine().getErr().flush();
            return 0;
        }
    }
}
