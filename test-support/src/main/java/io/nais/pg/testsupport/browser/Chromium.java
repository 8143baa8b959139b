package io.nais.pg.testsupport.browser;

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
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jose4j.json.JsonUtil;
import org.jose4j.lang.JoseException;

/**
 * Real headless Chromium (Debian's {@code chromium}), driven through Debian's {@code chromedriver} over the W3C
 * WebDriver protocol: a test opens pages, types into fields, presses buttons and reads what a person would see.
 * One browser per instance, with a fresh profile, so cookies (a signed-in session) live as long as the instance.
 *
 * <p>Why not Selenium: the handful of WebDriver calls a test needs are plain JSON over HTTP, and the machine's
 * chromedriver matches its chromium; a client library would add a dependency tree and a driver downloader.
 */
public final class Chromium implements AutoCloseable {

    private static final String ELEMENT = "element-6066-11e4-a52e-4f735466cecf";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Process driver;
    private final Path profile;
    private final String endpoint;
    private final String session;

    private Chromium(Process driver, Path profile, String endpoint, String session) {
        this.driver = driver;
        this.profile = profile;
        this.endpoint = endpoint;
        this.session = session;
    }

    /** Starts chromedriver and a headless Chromium session with the machine's recommended flags. */
    public static Chromium start() {
        int port = FreePorts.next();
        Path profile = TempDirs.create("chromium");
        Process driver;
        try {
            driver = new ProcessBuilder("chromedriver", "--port=" + port, "--allowed-ips=127.0.0.1")
                    .redirectErrorStream(true).redirectOutput(profile.resolve("chromedriver.log").toFile()).start();
        } catch (IOException e) {
            TempDirs.delete(profile);
            throw new IllegalStateException("chromedriver is missing: apt-get install chromium chromium-driver", e);
        }
        String endpoint = "http://" + FreePorts.HOST + ":" + port;
        try {
            awaitDriver(endpoint);
            Map<String, Object> options = Map.of("binary", "/usr/bin/chromium", "args", List.of("--headless",
                    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1280,900",
                    "--user-data-dir=" + profile.resolve("profile")));
            Map<String, Object> answer = call("POST", endpoint + "/session", Map.of("capabilities",
                    Map.of("alwaysMatch", Map.of("browserName", "chrome", "goog:chromeOptions", options))));
            @SuppressWarnings("unchecked")
            String session = (String) ((Map<String, Object>) answer.get("value")).get("sessionId");
            Chromium chromium = new Chromium(driver, profile, endpoint, session);
            Reaper.register(chromium);
            return chromium;
        } catch (RuntimeException e) {
            driver.destroyForcibly();
            TempDirs.delete(profile);
            throw e;
        }
    }

    /** Navigates and waits for the page to load (following redirects, as a browser does). */
    public Chromium open(String url) {
        command("POST", "/url", Map.of("url", url));
        return this;
    }

    public String currentUrl() {
        return (String) command("GET", "/url", null);
    }

    /** The DOM as it is now, serialised. */
    public String source() {
        return (String) command("GET", "/source", null);
    }

    public String title() {
        return (String) command("GET", "/title", null);
    }

    /** The first element matching the CSS selector; fails when there is none. */
    public Element find(String css) {
        @SuppressWarnings("unchecked")
        Map<String, Object> found = (Map<String, Object>) command("POST", "/element",
                Map.of("using", "css selector", "value", css));
        return new Element((String) found.get(ELEMENT));
    }

    /** Every element matching the CSS selector, possibly none. */
    public List<Element> findAll(String css) {
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> found = (List<Map<String, Object>>) command("POST", "/elements",
                Map.of("using", "css selector", "value", css));
        return found.stream().map(element -> new Element((String) element.get(ELEMENT))).toList();
    }

    /** The cookies the browser holds for the current page, by name. */
    public Map<String, Cookie> cookies() {
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> cookies = (List<Map<String, Object>>) command("GET", "/cookie", null);
        Map<String, Cookie> byName = new LinkedHashMap<>();
        for (Map<String, Object> cookie : cookies) {
            byName.put((String) cookie.get("name"), new Cookie((String) cookie.get("name"), (String) cookie.get("value"),
                    Boolean.TRUE.equals(cookie.get("httpOnly")), Boolean.TRUE.equals(cookie.get("secure")),
                    (String) cookie.get("sameSite")));
        }
        return byName;
    }

    /** The visible page as a PNG (for people to look at). */
    public Path screenshot(Path file) {
        byte[] png = Base64.getDecoder().decode((String) command("GET", "/screenshot", null));
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.write(file, png);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A cookie as the browser stores it. */
    public record Cookie(String name, String value, boolean httpOnly, boolean secure, String sameSite) {
    }

    /** One element of the current page. */
    public final class Element {
        private final String id;

        private Element(String id) {
            this.id = id;
        }

        /** Types into the field (keystrokes, as a person would). */
        public Element type(String text) {
            command("POST", "/element/" + id + "/value", Map.of("text", text));
            return this;
        }

        /** Clicks it (a button that only changes the page, or a control whose navigation the test does not await). */
        public void click() {
            command("POST", "/element/" + id + "/click", Map.of());
        }

        /**
         * Clicks a link or submit button and returns once the browser has left the current document: a click returns
         * as soon as it is dispatched, so without this the next call could still read the old page.
         */
        public void clickAndAwaitNextPage() {
            Element current = find("html");
            click();
            Instant deadline = Instant.now().plusSeconds(30);
            while (Instant.now().isBefore(deadline)) {
                try {
                    command("GET", "/element/" + current.id + "/name", null);
                } catch (IllegalStateException stale) {
                    return; // the old document is gone; WebDriver waits for the new one to load on the next call
                }
                pause();
            }
            throw new IllegalStateException("the click did not leave " + currentUrl() + " within 30 s");
        }

        /** The rendered text, as a person reads it. */
        public String text() {
            return (String) command("GET", "/element/" + id + "/text", null);
        }

        public String attribute(String name) {
            return (String) command("GET", "/element/" + id + "/attribute/" + name, null);
        }
    }

    @Override
    public void close() {
        Reaper.deregister(this);
        try {
            call("DELETE", endpoint + "/session/" + session, null);
        } catch (RuntimeException e) {
            // the browser may already be gone; the driver is stopped below either way
        } finally {
            driver.destroy();
            try {
                driver.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            TempDirs.delete(profile);
        }
    }

    private Object command(String method, String path, Map<String, Object> body) {
        return call(method, endpoint + "/session/" + session + path, body).get("value");
    }

    /** One WebDriver call; a WebDriver error (any non-2xx) becomes an exception naming it. */
    private static Map<String, Object> call(String method, String url, Map<String, Object> body) {
        try {
            HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(JsonUtil.toJson(body));
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(90)).header("Content-Type", "application/json")
                    .method(method, publisher).build(), HttpResponse.BodyHandlers.ofString());
            Map<String, Object> answer = JsonUtil.parseJson(response.body());
            if (response.statusCode() / 100 != 2) {
                throw new IllegalStateException("WebDriver " + method + " " + url + " failed: " + answer.get("value"));
            }
            return answer;
        } catch (IOException | JoseException e) {
            throw new IllegalStateException("WebDriver " + method + " " + url + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static void awaitDriver(String endpoint) {
        Instant deadline = Instant.now().plusSeconds(30);
        while (Instant.now().isBefore(deadline)) {
            try {
                HttpResponse<Void> status = HTTP.send(HttpRequest.newBuilder(URI.create(endpoint + "/status"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (status.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            pause();
        }
        throw new IllegalStateException("chromedriver did not answer on " + endpoint + " within 30 s");
    }

    /** Between polls of a state that is on its way (a driver starting, a page loading); never to prove an absence. */
    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
