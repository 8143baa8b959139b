package io.nais.pg.cli.auth;

import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;

/**
 * Authorization code + PKCE with a loopback redirect (RFC 8252): listen on
 * 127.0.0.1, print the URL (and open a browser if there is one), wait for the
 * redirect, trade the code for tokens, store them. The steps are public so a
 * test can drive the real flow with an HTTP client in the browser's place.
 */
public final class LoginFlow {

    private final OidcClient issuer;
    private final TokenCache cache;
    private final String scopes;

    public LoginFlow(OidcClient issuer, TokenCache cache, String scopes) {
        this.issuer = issuer;
        this.cache = cache;
        this.scopes = scopes;
    }

    /** Runs the whole login; {@code browser} may be null to only print the URL. */
    public TokenSet run(int callbackPort, PrintWriter out, BrowserLauncher browser, Duration timeout) {
        Pkce pkce = Pkce.create();
        try (LoopbackRedirect redirect = LoopbackRedirect.listen(callbackPort, pkce.state())) {
            URI url = issuer.authorizationUrl(redirect.redirectUri(), scopes, pkce);
            tellThePerson(out, url, browser);
            String code = redirect.awaitCode(timeout);
            TokenSet tokens = issuer.exchangeCode(code, redirect.redirectUri(), pkce);
            cache.save(tokens);
            return tokens;
        }
    }

    private static void tellThePerson(PrintWriter out, URI url, BrowserLauncher browser) {
        out.println("Log in to nais in your browser:");
        out.println();
        out.println("  " + url);
        out.println();
        boolean opened = browser != null && browser.tryOpen(url);
        out.println(opened ? "(A browser should have opened; if not, open the link above.) Waiting for the login…"
                : "Open the link above in a browser on this machine. Waiting for the login…");
        out.flush();
    }
}
