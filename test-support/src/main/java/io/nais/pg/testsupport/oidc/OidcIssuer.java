package io.nais.pg.testsupport.oidc;

import io.nais.pg.testsupport.process.ChildJvm;
import io.nais.pg.testsupport.process.FreePorts;
import io.nais.pg.testsupport.process.Reaper;
import io.nais.pg.testsupport.process.TempDirs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.jose4j.json.JsonUtil;
import org.jose4j.jwk.EcJwkGenerator;
import org.jose4j.jwk.EllipticCurveJsonWebKey;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.keys.EllipticCurves;
import org.jose4j.lang.JoseException;

/**
 * A real OpenID Connect issuer ({@code no.nav.security:mock-oauth2-server}) in a
 * child JVM: discovery, JWKS, authorization code flow with PKCE, refresh
 * tokens. Issuer id {@value #ISSUER_ID}.
 *
 * <p>The issuer signs with a key we generate and hand it through its
 * {@code JSON_CONFIG} ({@code tokenProvider.keyProvider.initialKeys}), so tests
 * mint tokens locally with {@link #token()} and the issuer's own JWKS verifies
 * them. By default the code flow is non-interactive: {@code /authorize} redirects straight
 * back with a code, and the tokens carry the {@link Builder#loginAs login identity}. With
 * {@link Builder#loginForm()} it shows its sign-in form first, as a real issuer does: a browser
 * types a username and, optionally, claims as JSON that replace the login identity's
 * ({@code {"sub": "...", "email": "..."}} signs in someone else). With
 * {@link Builder#deviceGrant} it also offers the device authorization grant (RFC 8628), which
 * mock-oauth2-server lacks: discovery names {@code device_authorization_endpoint}, a person
 * approves a user code at {@code <issuer>/device}, and the tokens are those of the code flow.
 */
public final class OidcIssuer implements AutoCloseable {

    public static final String ISSUER_ID = "nais";
    /** Audience of the code-flow tokens and the default of minted ones. */
    public static final String DEFAULT_AUDIENCE = "nais-pg";
    public static final String DEFAULT_EMAIL = "developer@example.com";
    /** mock-oauth2-server as its own standalone main starts it, plus the device grant when asked for. */
    private static final String MAIN = "io.nais.pg.testsupport.runtime.oidc.IssuerMain";

    private final Path directory;
    private final int port;
    private final PublicJsonWebKey signingKey;
    private final ChildJvm server;

    private OidcIssuer(Path directory, int port, PublicJsonWebKey signingKey, ChildJvm server) {
        this.directory = directory;
        this.port = port;
        this.signingKey = signingKey;
        this.server = server;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** An issuer whose code flow logs in {@value #DEFAULT_EMAIL}. */
    public static OidcIssuer start() {
        return builder().start();
    }

    /** Re-opens an issuer that another class loader of this JVM started (see {@link #stateDirectory()}); closing it is a no-op. */
    public static OidcIssuer attach(Path stateDirectory) {
        Properties state = readState(stateDirectory);
        try {
            PublicJsonWebKey key = PublicJsonWebKey.Factory.newPublicJwk(state.getProperty("jwk"));
            return new OidcIssuer(stateDirectory, Integer.parseInt(state.getProperty("port")), key, null);
        } catch (JoseException e) {
            throw new IllegalStateException("unreadable issuer state in " + stateDirectory, e);
        }
    }

    public String issuerUrl() {
        return "http://" + FreePorts.HOST + ":" + port + "/" + ISSUER_ID;
    }

    public String discoveryUrl() {
        return issuerUrl() + "/.well-known/openid-configuration";
    }

    public String jwksUrl() {
        return issuerUrl() + "/jwks";
    }

    public String tokenEndpoint() {
        return issuerUrl() + "/token";
    }

    public String authorizationEndpoint() {
        return issuerUrl() + "/authorize";
    }

    /** The public half of the signing key, as a JWK JSON object. */
    public String signingPublicJwk() {
        return signingKey.toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
    }

    public PublicJsonWebKey signingKey() {
        return signingKey;
    }

    /**
     * Starts a token signed by this issuer's key: subject {@value #DEFAULT_EMAIL}, audience {@value #DEFAULT_AUDIENCE},
     * {@code email_verified: true}, 5 minutes.
     */
    public TokenBuilder token() {
        return new TokenBuilder(issuerUrl(), signingKey);
    }

    /** The directory holding this issuer's state; {@link #attach(Path)} reads it. */
    public Path stateDirectory() {
        return directory;
    }

    @Override
    public void close() {
        if (server == null) {
            return;
        }
        Reaper.deregister(this);
        server.close();
        TempDirs.delete(directory);
    }

    @Override
    public String toString() {
        return "OidcIssuer[" + issuerUrl() + "]";
    }

    /** Options of the issuer. */
    public static final class Builder {
        private String subject = DEFAULT_EMAIL;
        private String email = DEFAULT_EMAIL;
        private List<String> groups = List.of();
        private List<String> audience = List.of(DEFAULT_AUDIENCE);
        private Duration tokenLifetime = Duration.ofHours(1);
        private boolean loginForm;
        private Duration deviceCodeLifetime;
        private Duration devicePollInterval;

        private Builder() {
        }

        /** Who the authorization code flow logs in (subject = email). */
        public Builder loginAs(String email, List<String> groups) {
            this.subject = email;
            this.email = email;
            this.groups = List.copyOf(groups);
            return this;
        }

        public Builder audience(String... audience) {
            this.audience = List.of(audience);
            return this;
        }

        /** Lifetime of tokens the issuer itself hands out (code flow, refresh). */
        public Builder tokenLifetime(Duration lifetime) {
            this.tokenLifetime = lifetime;
            return this;
        }

        /** {@code /authorize} shows the issuer's sign-in form (a person's login step) instead of answering at once. */
        public Builder loginForm() {
            this.loginForm = true;
            return this;
        }

        /**
         * Offers the device authorization grant: device codes live {@code lifetime}, and a client
         * polls every {@code interval} (sooner: {@code slow_down}).
         */
        public Builder deviceGrant(Duration lifetime, Duration interval) {
            this.deviceCodeLifetime = lifetime;
            this.devicePollInterval = interval;
            return this;
        }

        public OidcIssuer start() {
            Path directory = TempDirs.create("oidc");
            try {
                int port = FreePorts.next();
                EllipticCurveJsonWebKey key = newSigningKey();
                writeState(directory, port, key);
                Map<String, String> environment = new LinkedHashMap<>(Map.of("SERVER_HOSTNAME", FreePorts.HOST,
                        "SERVER_PORT", Integer.toString(port), "JSON_CONFIG", jsonConfig(key), "LOG_LEVEL", "WARN"));
                if (deviceCodeLifetime != null) {
                    environment.put("DEVICE_GRANT_LIFETIME_SECONDS", Long.toString(deviceCodeLifetime.toSeconds()));
                    environment.put("DEVICE_GRANT_INTERVAL_SECONDS", Long.toString(devicePollInterval.toSeconds()));
                }
                ChildJvm server = ChildJvm.start(new ChildJvm.Spec("oidc", "oidc", MAIN, "256m", List.of(), List.of(),
                        environment, directory));
                OidcIssuer issuer = new OidcIssuer(directory, port, key, server);
                Reaper.register(issuer);
                server.awaitReady(() -> answers(issuer.discoveryUrl()), 60_000);
                return issuer;
            } catch (RuntimeException e) {
                TempDirs.delete(directory);
                throw e;
            }
        }

        private String jsonConfig(EllipticCurveJsonWebKey key) {
            Map<String, Object> claims = new LinkedHashMap<>();
            claims.put("sub", subject);
            claims.put("email", email);
            claims.put("email_verified", true);
            claims.put("groups", groups);
            claims.put("aud", audience);
            Map<String, Object> config = new LinkedHashMap<>();
            config.put("interactiveLogin", loginForm);
            config.put("tokenProvider", Map.of("keyProvider", Map.of(
                    "initialKeys", key.toJson(JsonWebKey.OutputControlLevel.INCLUDE_PRIVATE),
                    "algorithm", AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256)));
            config.put("tokenCallbacks", List.of(Map.of(
                    "issuerId", ISSUER_ID,
                    "tokenExpiry", tokenLifetime.toSeconds(),
                    // every grant (authorization_code, refresh_token, ...) gets the login identity
                    "requestMappings", List.of(Map.of("requestParam", "grant_type", "match", "*", "claims", claims)))));
            return JsonUtil.toJson(config);
        }
    }

    private static EllipticCurveJsonWebKey newSigningKey() {
        try {
            EllipticCurveJsonWebKey key = EcJwkGenerator.generateJwk(EllipticCurves.P256);
            // mock-oauth2-server names the key after the issuer id; so do we, so minted tokens match the JWKS
            key.setKeyId(ISSUER_ID);
            key.setAlgorithm(AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256);
            key.setUse("sig");
            return key;
        } catch (JoseException e) {
            throw new IllegalStateException("could not generate the signing key", e);
        }
    }

    private static boolean answers(String url) {
        try {
            HttpResponse<Void> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Port and private key, owner-only: what {@link #attach(Path)} needs. */
    private static void writeState(Path directory, int port, EllipticCurveJsonWebKey key) {
        Properties state = new Properties();
        state.setProperty("port", Integer.toString(port));
        state.setProperty("jwk", key.toJson(JsonWebKey.OutputControlLevel.INCLUDE_PRIVATE));
        Path file = directory.resolve("issuer.properties");
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (var writer = Files.newBufferedWriter(file)) {
                state.store(writer, "OidcIssuer state");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Properties readState(Path directory) {
        Properties state = new Properties();
        try (var reader = Files.newBufferedReader(directory.resolve("issuer.properties"))) {
            state.load(reader);
            return state;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
