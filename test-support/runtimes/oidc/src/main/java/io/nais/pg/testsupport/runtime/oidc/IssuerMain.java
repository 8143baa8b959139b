package io.nais.pg.testsupport.runtime.oidc;

import java.net.InetAddress;
import java.time.Duration;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import no.nav.security.mock.oauth2.http.OAuth2HttpRequestHandler;
import no.nav.security.mock.oauth2.http.Route;

/**
 * The issuer test-support's {@code OidcIssuer} runs in a child JVM: mock-oauth2-server as its own
 * standalone main starts it ({@code JSON_CONFIG}, {@code SERVER_HOSTNAME}, {@code SERVER_PORT}),
 * and, with {@code DEVICE_GRANT_LIFETIME_SECONDS} set, the device authorization grant (RFC 8628)
 * that mock-oauth2-server lacks, in front of the same authorization server (see {@link DeviceGrant}).
 */
public final class IssuerMain {

    private IssuerMain() {
    }

    public static void main(String[] args) throws Exception {
        // what mock-oauth2-server's own main sets: its standalone logging configuration
        System.setProperty("logback.configurationFile", "logback-standalone.xml");
        OAuth2Config config = OAuth2Config.Companion.fromJson(System.getenv("JSON_CONFIG"));
        Route issuer = new OAuth2HttpRequestHandler(config).getAuthorizationServer();
        String lifetime = System.getenv("DEVICE_GRANT_LIFETIME_SECONDS");
        Route[] routes = lifetime == null ? new Route[] {issuer}
                : new Route[] {new DeviceGrant(issuer, Duration.ofSeconds(Long.parseLong(lifetime)),
                        Duration.ofSeconds(Long.parseLong(System.getenv("DEVICE_GRANT_INTERVAL_SECONDS")))), issuer};
        new MockOAuth2Server(config, routes)
                .start(InetAddress.getByName(System.getenv("SERVER_HOSTNAME")), Integer.parseInt(System.getenv("SERVER_PORT")));
    }
}
