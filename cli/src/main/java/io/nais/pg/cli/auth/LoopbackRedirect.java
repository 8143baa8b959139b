package io.nais.pg.cli.auth;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.nais.pg.cli.CliException;
import io.nais.pg.cli.ExitCode;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The redirect target of a native-app login (RFC 8252 7.3): an HTTP listener on
 * 127.0.0.1 only, on a free port unless configured. It accepts exactly one
 * redirect whose {@code state} matches this attempt; anything else gets a 400
 * and the wait goes on, so a stray request cannot end or hijack the login.
 */
public final class LoopbackRedirect implements AutoCloseable {

    private static final String PATH = "/callback";

    private final HttpServer server;
    private final String expectedState;
    private final CompletableFuture<String> code = new CompletableFuture<>();

    private LoopbackRedirect(HttpServer server, String expectedState) {
        this.server = server;
        this.expectedState = expectedState;
    }

    public static LoopbackRedirect listen(int port, String expectedState) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
            LoopbackRedirect redirect = new LoopbackRedirect(server, expectedState);
            server.createContext(PATH, redirect::handle);
            server.start();
            return redirect;
        } catch (BindException e) {
            throw new CliException(ExitCode.PORT_IN_USE, "Port " + port + " on 127.0.0.1 for the login redirect is in use."
                    + " Free it or change login.callback-port.", e);
        } catch (IOException e) {
            throw new CliException(ExitCode.FAILED, "Cannot listen for the login redirect: " + e.getMessage(), e);
        }
    }

    public URI redirectUri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + PATH);
    }

    /** Waits for the browser to come back; returns the authorization code. */
    public String awaitCode(Duration timeout) {
        try {
            return code.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw CliException.notLoggedIn("No login within " + timeout.toMinutes() + " minutes.");
        } catch (ExecutionException e) {
            throw (CliException) e.getCause();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCode.INTERRUPTED, "Login interrupted.");
        }
    }

    /**
     * The address a browser on another machine ended on, pasted by the person (SSH, a
     * container): taken exactly as if the browser had reached this listener. Returns what
     * to tell the person; a paste with another state changes nothing.
     */
    public Verdict offer(URI pasted) {
        Map<String, String> query = query(pasted.getRawQuery());
        Verdict verdict = judge(query);
        settle(verdict, query);
        return verdict;
    }

    /** What became of one redirect (reached over HTTP or pasted). */
    public enum Verdict {
        LOGGED_IN(200, "You are logged in to nais. You can close this tab."),
        REFUSED(400, "The login failed. You can close this tab."),
        NOT_THIS_LOGIN(400, "This is not the login this nais command started. Close this tab."),
        NO_CODE(400, "The redirect carried no code.");

        private final int status;
        private final String text;

        Verdict(int status, String text) {
            this.status = status;
            this.text = text;
        }

        public String text() {
            return text;
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
        Verdict verdict = judge(query);
        // The page first: once the wait ends, the listener is closed.
        respond(exchange, verdict.status, verdict.text);
        settle(verdict, query);
    }

    private Verdict judge(Map<String, String> query) {
        if (!stateMatches(query.get("state"))) {
            return Verdict.NOT_THIS_LOGIN;
        }
        if (query.get("error") != null) {
            return Verdict.REFUSED;
        }
        return query.get("code") == null ? Verdict.NO_CODE : Verdict.LOGGED_IN;
    }

    private void settle(Verdict verdict, Map<String, String> query) {
        if (verdict == Verdict.LOGGED_IN) {
            code.complete(query.get("code"));
        } else if (verdict == Verdict.REFUSED) {
            String description = query.get("error_description");
            code.completeExceptionally(CliException.notLoggedIn("The issuer refused the login (" + query.get("error")
                    + (description == null ? "" : ": " + description) + ")."));
        }
    }

    private boolean stateMatches(String state) {
        return state != null && MessageDigest.isEqual(state.getBytes(StandardCharsets.UTF_8),
                expectedState.getBytes(StandardCharsets.UTF_8));
    }

    private static void respond(HttpExchange exchange, int status, String text) throws IOException {
        byte[] body = ("<!doctype html><title>nais login</title><p>" + text + "</p>").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    static Map<String, String> query(String raw) {
        Map<String, String> fields = new HashMap<>();
        if (raw == null) {
            return fields;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                fields.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return fields;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
