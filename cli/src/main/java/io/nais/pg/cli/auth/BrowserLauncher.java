package io.nais.pg.cli.auth;

import io.nais.pg.cli.Environment;
import java.io.File;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Opens the login page when this machine has a browser to open it with, and
 * stays silent otherwise: the URL is always printed, so a missing browser (an
 * SSH session, a container) is never an error.
 */
final class BrowserLauncher {

    private final Environment environment;

    BrowserLauncher(Environment environment) {
        this.environment = environment;
    }

    /** True when a browser command was started (not a promise that a window opened). */
    boolean tryOpen(URI url) {
        Optional<List<String>> command = command(url);
        if (command.isEmpty()) {
            return false;
        }
        try {
            new ProcessBuilder(command.get()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private Optional<List<String>> command(URI url) {
        Optional<String> browser = environment.get("BROWSER");
        if (browser.isPresent()) {
            return Optional.of(List.of(browser.get(), url.toString()));
        }
        String os = System.getProperty("os.name", "").toLowerCase();
        if (os.contains("mac")) {
            return onPath("open").map(open -> List.of(open, url.toString()));
        }
        if (os.contains("win")) {
            return Optional.of(List.of("rundll32", "url.dll,FileProtocolHandler", url.toString()));
        }
        boolean graphical = environment.get("DISPLAY").isPresent() || environment.get("WAYLAND_DISPLAY").isPresent();
        return graphical ? onPath("xdg-open").map(open -> List.of(open, url.toString())) : Optional.empty();
    }

    private Optional<String> onPath(String program) {
        return environment.get("PATH").stream()
                .flatMap(path -> List.of(path.split(File.pathSeparator)).stream())
                .map(dir -> Path.of(dir, program))
                .filter(Files::isExecutable)
                .map(Path::toString)
                .findFirst();
    }
}
