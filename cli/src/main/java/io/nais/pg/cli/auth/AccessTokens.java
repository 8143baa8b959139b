package io.nais.pg.cli.auth;

import io.nais.pg.cli.CliException;
import io.nais.pg.cli.Environment;
import io.nais.pg.cli.ExitCode;
import io.nais.pg.cli.config.CliConfig;
import io.nais.pg.cli.config.ConfigKey;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * The current access token, for as long as a command runs. {@code NAIS_TOKEN}
 * wins over the login cache (scripts, CI). A cached token close to expiry is
 * renewed with the refresh token and the cache rewritten; callers never see
 * an expired token, only a {@link ExitCode#NOT_LOGGED_IN} error that says what
 * to do. Thread-safe: the proxy asks once per client connection.
 */
public final class AccessTokens {

    /** Renew this long before expiry, so a token never expires between handing it out and the gateway checking it. */
    public static final Duration REFRESH_MARGIN = Duration.ofSeconds(60);
    static final String OVERRIDE_VARIABLE = "NAIS_TOKEN";

    private final CliConfig config;
    private final Optional<String> override;
    private final TokenCache cache;
    private final Clock clock;
    private TokenSet cached;

    public AccessTokens(CliConfig config, Environment environment, Clock clock) {
        this.config = config;
        this.override = environment.get(OVERRIDE_VARIABLE);
        this.cache = new TokenCache(config.directory());
        this.clock = clock;
    }

    public AccessTokens(CliConfig config, Environment environment) {
        this(config, environment, Clock.systemUTC());
    }

    public boolean fromEnvironment() {
        return override.isPresent();
    }

    /** A token valid for at least {@link #REFRESH_MARGIN}, or for what is left when renewal is impossible but it has not expired. */
    public synchronized TokenSet current() {
        if (override.isPresent()) {
            // Decoded once (the proxy asks for every connection); its expiry is checked every time.
            if (cached == null) {
                cached = decodeOverride(override.get());
            }
            return unexpiredOverride(cached);
        }
        if (cached == null) {
            cached = loadCache();
        }
        if (cached.expiresWithin(REFRESH_MARGIN, clock.instant())) {
            cached = renew(cached);
        }
        return cached;
    }

    /** The stored login as it is, without renewing it: for {@code nais auth status}. */
    public Optional<TokenSet> peek() {
        return override.isPresent() ? Optional.of(unexpiredOverride(decodeOverride(override.get()))) : cache.load();
    }

    private TokenSet decodeOverride(String token) {
        String claim = config.require(ConfigKey.IDENTITY_CLAIM);
        Jwt jwt = Jwt.decode(token).orElseThrow(() -> new CliException(ExitCode.NOT_LOGGED_IN,
                OVERRIDE_VARIABLE + " is set but is not a JWT. Unset it to use your login, or set it to an access token."));
        String identity = jwt.claim(claim).orElseThrow(() -> new CliException(ExitCode.NOT_LOGGED_IN,
                OVERRIDE_VARIABLE + " has no '" + claim + "' claim, so the gateway cannot tell who you are."));
        return new TokenSet(jwt.claim("iss").orElse(null), identity, token,
                jwt.expiresAt().orElse(clock.instant().plus(Duration.ofDays(1))), null);
    }

    private TokenSet unexpiredOverride(TokenSet tokens) {
        if (tokens.expiresWithin(Duration.ZERO, clock.instant())) {
            throw new CliException(ExitCode.NOT_LOGGED_IN, OVERRIDE_VARIABLE + " has expired (at " + tokens.expiresAt()
                    + "). Set a fresh token, or unset it and run: nais auth login");
        }
        return tokens;
    }

    private TokenSet loadCache() {
        TokenSet tokens = cache.load().orElseThrow(() -> CliException.notLoggedIn("You are not logged in."));
        String issuer = config.require(ConfigKey.ISSUER);
        if (!sameIssuer(issuer, tokens.issuer())) {
            throw CliException.notLoggedIn("You are logged in to " + tokens.issuer() + ", but the configured issuer is "
                    + issuer + ".");
        }
        return tokens;
    }

    private TokenSet renew(TokenSet stale) {
        // Another nais process may have renewed (and rotated the refresh token) meanwhile.
        TokenSet expiring = cache.load().filter(onDisk -> onDisk.expiresAt().isAfter(stale.expiresAt())).orElse(stale);
        if (!expiring.expiresWithin(REFRESH_MARGIN, clock.instant())) {
            return expiring;
        }
        boolean expired = expiring.expiresWithin(Duration.ZERO, clock.instant());
        if (!expiring.canRefresh()) {
            if (expired) {
                throw CliException.notLoggedIn("Your login has expired.");
            }
            return expiring;
        }
        try {
            TokenSet renewed = new OidcClient(expiring.issuer(), config.require(ConfigKey.CLIENT_ID),
                    config.require(ConfigKey.IDENTITY_CLAIM)).refresh(expiring);
            cache.save(renewed);
            return renewed;
        } catch (CliException e) {
            if (!expired) {
                return expiring; // still valid: try again on the next call
            }
            throw CliException.notLoggedIn("Your login has expired and could not be renewed: " + e.getMessage()
                    .replace(" Run: nais auth login", ""));
        }
    }

    static boolean sameIssuer(String a, String b) {
        return b != null && strip(a).equals(strip(b));
    }

    private static String strip(String issuer) {
        return issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
    }
}
