package io.nais.pg.console.web;

import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.nais.pg.console.api.Viewer;

/**
 * The browser session's side of a page: its CSRF session value (from the cookie, or a new one this response
 * sets) and the {@link Visit} the templates render around their content.
 */
@RequestScoped
class ConsoleSession {

    private final CsrfTokens csrf;
    private final Viewer viewer;
    private final HttpHeaders headers;
    private final boolean secureCookies;
    private String newValue;

    /** {@code secureCookies}: the CSRF cookie is Secure exactly when the OIDC session cookie is. */
    ConsoleSession(CsrfTokens csrf, Viewer viewer, HttpHeaders headers,
                   @ConfigProperty(name = "quarkus.oidc.console.authentication.cookie-force-secure") boolean secureCookies) {
        this.csrf = csrf;
        this.viewer = viewer;
        this.headers = headers;
        this.secureCookies = secureCookies;
    }

    Visit visit(String notice, String refusal) {
        return new Visit(viewer.email(), viewer.admin(), csrf.tokenFor(sessionValue(), viewer.email()), notice, refusal);
    }

    /** Whether a form's token was made for this browser session and this person. */
    boolean accepts(String token) {
        return csrf.accepts(cookie(), viewer.email(), token);
    }

    /** The response, with the CSRF cookie when this request made a new one. */
    Response respond(Response.ResponseBuilder response) {
        if (newValue != null) {
            response.cookie(new NewCookie.Builder(CsrfTokens.COOKIE).value(newValue).path("/console").httpOnly(true)
                    .secure(secureCookies).sameSite(NewCookie.SameSite.STRICT).build());
        }
        return response.build();
    }

    private String sessionValue() {
        String existing = cookie();
        if (existing != null && !existing.isBlank()) {
            return existing;
        }
        if (newValue == null) {
            newValue = csrf.newSessionValue();
        }
        return newValue;
    }

    private String cookie() {
        var cookie = headers.getCookies().get(CsrfTokens.COOKIE);
        return cookie == null ? null : cookie.getValue();
    }
}
