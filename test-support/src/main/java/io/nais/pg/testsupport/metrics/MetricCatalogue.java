package io.nais.pg.testsupport.metrics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metrics the platform documents for operators: the table in docs/operations.md ("Metrics"), one row per
 * family with the service that exports it. It is the one list both sides are checked against: each service's
 * scrape test proves its rows are exported after real work, and deploy's tests prove the alerts and the
 * dashboard read only documented families, so neither can silently read a metric nobody exports.
 */
public final class MetricCatalogue {

    /** The document, relative to the repository root. */
    public static final String DOCUMENT = "docs/operations.md";
    /** A table row: | `family` | type | labels | exported by | meaning | */
    private static final Pattern ROW = Pattern.compile("^\\|\\s*`([a-z_:]+)`\\s*\\|\\s*(\\w+)\\s*\\|([^|]*)\\|([^|]*)\\|");

    /** One documented family. {@code exportedBy} is a service name, {@code "<service> (<mode>)"} or "all services". */
    public record Family(String name, String type, String labels, String exportedBy) {

        /** Exported by this service's process in its default mode (or by every service). */
        public boolean exportedBy(String service) {
            return exportedBy.equals(service) || exportedBy.startsWith("all services");
        }
    }

    private MetricCatalogue() {
    }

    public static List<Family> families() {
        List<Family> families = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(repositoryRoot().resolve(DOCUMENT))) {
                Matcher m = ROW.matcher(line);
                if (m.find()) {
                    families.add(new Family(m.group(1), m.group(2), m.group(3).trim(), m.group(4).trim()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (families.isEmpty()) {
            throw new IllegalStateException(DOCUMENT + " lists no metrics");
        }
        return families;
    }

    public static List<Family> exportedBy(String service) {
        return families().stream().filter(f -> f.exportedBy(service)).toList();
    }

    /** The first directory upwards from the working directory (a module's) that holds the document. */
    private static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve(DOCUMENT))) {
                return dir;
            }
        }
        throw new IllegalStateException(DOCUMENT + " not found above " + Path.of("").toAbsolutePath());
    }
}
