package io.nais.pg.deploy.image;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** The commit the images are built from, for their {@code org.opencontainers.image.revision} label. */
final class Git {

    private Git() {
    }

    static String revision(Path repository) {
        try {
            Process process = new ProcessBuilder("git", "-C", repository.toString(), "rev-parse", "HEAD")
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String revision = new String(process.getInputStream().readAllBytes()).trim();
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0 || !revision.matches("[0-9a-f]{40}")) {
                throw new IllegalStateException("git rev-parse HEAD failed in " + repository
                        + ": images are built from a git checkout, their revision label names the commit");
            }
            return revision;
        } catch (IOException e) {
            throw new IllegalStateException("git is needed to label the images with their revision", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
