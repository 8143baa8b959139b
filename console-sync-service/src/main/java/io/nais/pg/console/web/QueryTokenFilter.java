package io.nais.pg.console.web;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;

/**
 * How a browser authenticates to the page. In production the page sits behind
 * the platform's login proxy, which forwards {@code Authorization: Bearer} —
 * exactly what the API takes, so there is no session or cookie to protect.
 *
 * <p>Headless Chromium in tests cannot set a header, so where
 * {@code nais.console.web.query-token-enabled} is true (the test profile only)
 * a {@code ?token=} on a {@code /console} URL is moved into the Authorization
 * header before authentication. It is off by default: a token in a URL ends
 * up in browser history and proxy logs.
 */
@ApplicationScoped
class QueryTokenFilter {

    void install(@Observes Router router,
                 @ConfigProperty(name = "nais.console.web.query-token-enabled") boolean enabled) {
        if (!enabled) {
            return;
        }
        router.route("/console*").order(Integer.MIN_VALUE + 1).handler(context -> {
            String token = context.request().getParam("token");
            if (token != null && !token.isBlank() && context.request().getHeader(HttpHeaders.AUTHORIZATION) == null) {
                context.request().headers().set(HttpHeaders.AUTHORIZATION, "Bearer " + token);
            }
            context.next();
        });
    }
}
