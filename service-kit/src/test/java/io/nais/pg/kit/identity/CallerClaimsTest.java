package io.nais.pg.kit.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.json.Json;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.junit.jupiter.api.Test;

/** Pure claim reading: a token is a map of claims here (verification is quarkus-oidc's, tested in the services). */
class CallerClaimsTest {

    private static final CallerClaims CLAIMS = new CallerClaims("email", "groups", "nais-admins");

    @Test
    void theEmailIsReadInThePlatformsOneSpelling() {
        assertThat(CLAIMS.email(token(Map.of("email", " Ada@Example.COM")))).contains("ada@example.com");
    }

    @Test
    void theEmailClaimNamesThePersonWithJsonQuotesRemoved() {
        assertThat(CLAIMS.email(token(Map.of("email", "ada@example.com")))).contains("ada@example.com");
        assertThat(CLAIMS.email(token(Map.of("email", Json.createValue("ada@example.com")))))
                .contains("ada@example.com");
    }

    @Test
    void aMissingOrBlankEmailNamesNobody() {
        assertThat(CLAIMS.email(token(Map.of()))).isEmpty();
        assertThat(CLAIMS.email(token(Map.of("email", " ")))).isEmpty();
    }

    @Test
    void theAdminGroupInAListOrAsTheOnlyGroupMakesAnAdmin() {
        assertThat(CLAIMS.admin(token(Map.of("groups", Set.of("team-a", "nais-admins"))))).isTrue();
        assertThat(CLAIMS.admin(token(Map.of("groups", List.of(Json.createValue("nais-admins")))))).isTrue();
        assertThat(CLAIMS.admin(token(Map.of("groups", "nais-admins")))).isTrue();
    }

    @Test
    void otherGroupsOrNoneDoNot() {
        assertThat(CLAIMS.admin(token(Map.of("groups", Set.of("team-a", "nais-admins-not"))))).isFalse();
        assertThat(CLAIMS.admin(token(Map.of()))).isFalse();
        assertThat(new CallerClaims("email", "roles", "nais-admins").admin(token(Map.of("groups", "nais-admins"))))
                .as("only the configured groups claim counts").isFalse();
    }

    private static JsonWebToken token(Map<String, Object> claims) {
        return new JsonWebToken() {
            @Override
            public String getName() {
                return "test";
            }

            @Override
            public Set<String> getClaimNames() {
                return claims.keySet();
            }

            @Override
            @SuppressWarnings("unchecked")
            public <T> T getClaim(String claimName) {
                return (T) claims.get(claimName);
            }
        };
    }
}
