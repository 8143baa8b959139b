package io.nais.pg.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * The issuer and audience one token verifier of a service accepts, as the service will run: the
 * environment its Deployment (or compose) gives it over its application.properties (prod profile).
 * The gateway has its own keys; the REST APIs use quarkus-oidc, whose expected issuer is
 * {@code quarkus.oidc.token.issuer} when set, else the issuer discovered at
 * {@code quarkus.oidc.auth-server-url} (the same URL for a standard issuer).
 */
record OidcSettings(String service, String verifier, Optional<String> issuer, Optional<String> audience) {

    /** The audience of `nais auth login` tokens, accepted by the gateway and every API (and the local platform). */
    static final String PLATFORM_AUDIENCE = "nais-pg";

    static final String GATEWAY_ISSUER = "nais.access.gateway.oidc.issuer";
    static final String GATEWAY_AUDIENCE = "nais.access.gateway.oidc.audience";
    static final String AUTH_SERVER_URL = "quarkus.oidc.auth-server-url";
    static final String TOKEN_ISSUER = "quarkus.oidc.token.issuer";
    static final String TOKEN_AUDIENCE = "quarkus.oidc.token.audience";

    static List<OidcSettings> of(String service, ProvidedConfig provided) {
        Properties prod = ServiceConfig.prodView(Repository.read(ServiceConfig.applicationProperties(service)));
        List<OidcSettings> verifiers = new ArrayList<>();
        if (ServiceConfig.requiredInProd(service).contains(GATEWAY_ISSUER)) {
            verifiers.add(new OidcSettings(service, "gateway", value(GATEWAY_ISSUER, provided, prod),
                    value(GATEWAY_AUDIENCE, provided, prod)));
        }
        if (ServiceConfig.usesQuarkusOidc(service)) {
            Optional<String> issuer = value(TOKEN_ISSUER, provided, prod).or(() -> value(AUTH_SERVER_URL, provided, prod));
            verifiers.add(new OidcSettings(service, "quarkus-oidc", issuer, value(TOKEN_AUDIENCE, provided, prod)));
        }
        return verifiers;
    }

    /**
     * What is wrong with a set of verifiers that must accept the same login token: an unset issuer or
     * audience, more than one issuer, or an audience other than the platform's. Empty when they agree.
     */
    static List<String> disagreements(List<OidcSettings> verifiers) {
        List<String> problems = new ArrayList<>();
        verifiers.stream().filter(v -> v.issuer().isEmpty() || v.audience().isEmpty())
                .forEach(v -> problems.add("unset: " + v));
        verifiers.stream().filter(v -> v.audience().isPresent() && !PLATFORM_AUDIENCE.equals(v.audience().get()))
                .forEach(v -> problems.add("audience is not " + PLATFORM_AUDIENCE + ": " + v));
        if (verifiers.stream().map(OidcSettings::issuer).flatMap(Optional::stream).distinct().count() > 1) {
            problems.add("more than one issuer: " + verifiers);
        }
        return problems;
    }

    /** Environment over properties, as MicroProfile Config orders its sources. */
    private static Optional<String> value(String key, ProvidedConfig provided, Properties prod) {
        return Optional.ofNullable(provided.literals().get(ServiceConfig.envName(key)))
                .or(() -> Optional.ofNullable(prod.getProperty(key)));
    }

    @Override
    public String toString() {
        return service + " (" + verifier + "): issuer " + issuer.orElse("unset") + ", audience " + audience.orElse("unset");
    }
}
