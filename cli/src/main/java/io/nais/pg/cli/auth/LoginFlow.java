package io.nais.pg.cli.auth;

import io.nais.pg.cli.auth.OidcClient.DeviceCode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * {@code nais auth login}. The first line it prints says which way applies:
 * <ul>
 * <li>a browser on this machine: authorization code + PKCE with a loopback redirect
 *     (RFC 8252), the browser is opened on the printed URL;
 * <li>no browser (or {@code --no-browser}): first a silent attempt ({@code prompt=none}),
 *     which the local platform's issuer answers with a code; else the URL is printed and
 *     the login completes either when a browser on this machine reaches the loopback
 *     redirect or when the person pastes the address the browser ended on;
 * <li>{@code --device}: the device authorization grant (RFC 8628) when the issuer's
 *     discovery document offers it, else the paste way above.
 * </ul>
 * The steps are public so a test can drive the real flow with an HTTP client in the browser's place.
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

    /** The code flow; {@code browser} null means there is none to open. {@code pasted} is where a redirect address may be typed. */
    public TokenSet run(int callbackPort, PrintWriter out, BrowserLauncher browser, BufferedReader pasted, Duration timeout) {
        Pkce pkce = Pkce.create();
        try (LoopbackRedirect redirect = LoopbackRedirect.listen(callbackPort, pkce.state())) {
            URI url = issuer.authorizationUrl(redirect.redirectUri(), scopes, pkce);
            if (browser != null && browser.tryOpen(url)) {
                out.println("Logging in with your browser: it should open the link below (if not, open it yourself).");
                printLink(out, url);
            } else {
                Optional<String> silent = issuer.silentCode(url, redirect.redirectUri(), pkce);
                if (silent.isPresent()) {
                    out.println("Logging in without a browser: the issuer signed you in without asking (prompt=none).");
                    out.flush();
                    return store(issuer.exchangeCode(silent.get(), redirect.redirectUri(), pkce));
                }
                out.println("No browser here: open the link below in a browser (on any machine), log in, then paste here");
                out.println("the address the browser ends on (" + redirect.redirectUri() + "?…; on another machine that page");
                out.println("fails to load, which is expected).");
                printLink(out, url);
                acceptPastes(pasted, redirect, out);
            }
            out.println("Waiting for the login…");
            out.flush();
            String code = redirect.awaitCode(timeout);
            return store(issuer.exchangeCode(code, redirect.redirectUri(), pkce));
        }
    }

    /** {@code --device}: the device grant where the issuer offers it, else the code flow without a browser. */
    public TokenSet runWithDeviceCode(int callbackPort, PrintWriter out, BufferedReader pasted, Duration timeout) {
        Optional<DeviceCode> device = issuer.deviceAuthorization(scopes);
        if (device.isEmpty()) {
            out.println("The issuer " + issuer.issuer() + " offers no device login (no device_authorization_endpoint);");
            out.println("logging in by pasting the browser's address instead.");
            return run(callbackPort, out, null, pasted, timeout);
        }
        DeviceCode code = device.get();
        out.println("Logging in with a device code: on any device with a browser, open");
        out.println();
        out.println("  " + (code.verificationUriComplete() != null ? code.verificationUriComplete() : code.verificationUri()));
        out.println();
        out.println("and enter the code " + code.userCode() + " if asked. Waiting for the login…");
        out.flush();
        return store(issuer.awaitDeviceApproval(code));
    }

    private TokenSet store(TokenSet tokens) {
        cache.save(tokens);
        return tokens;
    }

    private static void printLink(PrintWriter out, URI url) {
        out.println();
        out.println("  " + url);
        out.println();
        out.flush();
    }

    /** Reads pasted addresses on a daemon thread until one completes the login (the JVM ends it then). */
    private static void acceptPastes(BufferedReader pasted, LoopbackRedirect redirect, PrintWriter out) {
        Thread reader = new Thread(() -> {
            try {
                for (String line; (line = pasted.readLine()) != null; ) {
                    if (line.isBlank()) {
                        continue;
                    }
                    LoopbackRedirect.Verdict verdict = redirect.offer(toUri(line.strip()));
                    if (verdict == LoopbackRedirect.Verdict.LOGGED_IN || verdict == LoopbackRedirect.Verdict.REFUSED) {
                        return;
                    }
                    out.println(verdict.text().replace(" Close this tab.", "") + " Paste the address the browser ended on.");
                    out.flush();
                }
            } catch (IOException e) {
                // no input to read: the loopback redirect may still come
            }
        }, "nais-login-paste");
        reader.setDaemon(true);
        reader.start();
    }

    private static URI toUri(String text) {
        try {
            return URI.create(text);
        } catch (IllegalArgumentException e) {
            return URI.create("http://pasted.invalid/");
        }
    }
}
