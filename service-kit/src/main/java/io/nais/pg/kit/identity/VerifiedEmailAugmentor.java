package io.nais.pg.kit.identity;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.smallrye.mutiny.Uni;

/**
 * Every REST API's bearer tokens obey {@link EmailVerification}: a token whose
 * email the identity provider has not verified fails authentication (HTTP
 * 401), before any resource or {@link CallerClaims} reads it. Runs in every
 * service with quarkus-oidc; {@code nais.identity.require-email-verified}
 * (default true) is the switch for issuers that never send the claim.
 */
@ApplicationScoped
public class VerifiedEmailAugmentor implements SecurityIdentityAugmentor {

    static final String CLAIM = "email_verified";

    private final boolean required;

    VerifiedEmailAugmentor(@ConfigProperty(name = "nais.identity.require-email-verified", defaultValue = "true")
                           boolean required) {
        this.required = required;
    }

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        if (identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken token)
                || EmailVerification.accepts(token.getClaim(CLAIM), required)) {
            return Uni.createFrom().item(identity);
        }
        return Uni.createFrom().failure(new AuthenticationFailedException("the token's email is not verified"));
    }
}
