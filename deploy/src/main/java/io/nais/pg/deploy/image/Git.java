package io.nais.pg.deploy.image;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The commit the images are built from, for their {@code org.opencontainers.image.revision} label. */
final class Git {

    private Git() {
    }

    static String revision(Path repository) {
        List<String> head = Commands.outputIfItSucceeds(Map.of(), "git", "-C", repository.toString(), "rev-parse", "HEAD");
        if (head.size() != 1 || !head.get(0).matches("[0-9a-f]{40}")) {
            throw new IllegalStateException("git rev-parse HEAD failed in " + repository
                    + ": images are built from a git checkout, their revision label names the commit");
        }
        return head.get(0);
    }
}
