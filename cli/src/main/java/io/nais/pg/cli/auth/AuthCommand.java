package io.nais.pg.cli.auth;

import io.nais.pg.cli.Nais;
import io.nais.pg.cli.config.CliConfig;
import io.nais.pg.cli.config.ConfigKey;
import java.io.PrintWriter;
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
            "Log in with your browser (OIDC authorization code + PKCE, redirect to 127.0.0.1).",
            "Prints the login URL, opens a browser when one is available, and stores the tokens",
            "in the config directory, readable by you only (0600)."},
            footerHeading = "%nExamples:%n",
            footer = {"  nais auth login", "  nais auth login --no-browser    # e.g. over SSH: open the printed URL yourself"})
    static final class Login implements Callable<Integer> {
        @ParentCommand AuthCommand auth;
        @Spec CommandSpec spec;

        @Option(names = "--issuer", paramLabel = "URL", description = "OIDC issuer (default: config `issuer`).")
        String issuer;
        @Option(names = "--client-id", paramLabel = "ID", description = "OIDC client id (default: config `client-id`).")
        String clientId;
        @Option(names = "--no-browser", description = "Only print the URL; do not try to open a browser.")
        boolean noBrowser;
        @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "300", description = "How long to wait for the login (default: ${DEFAULT-VALUE}).")
        int timeoutSeconds;

        @Override
        public Integer call() {
            CliConfig config = auth.nais.config().with(ConfigKey.ISSUER, issuer).with(ConfigKey.CLIENT_ID, clientId);
            OidcClient oidc = new OidcClient(config.require(ConfigKey.ISSUER), config.require(ConfigKey.CLIENT_ID),
                    config.require(ConfigKey.IDENTITY_CLAIM));
            LoginFlow flow = new LoginFlow(oidc, new TokenCache(config.directory()), config.require(ConfigKey.SCOPES));
            PrintWriter err = spec.commandLine().getErr();
            TokenSet tokens = flow.run(config.requirePort(ConfigKey.LOGIN_CALLBACK_PORT), err,
                    noBrowser ? null : new BrowserLauncher(auth.nais.environment()), Duration.ofSeconds(timeoutSeconds));
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
