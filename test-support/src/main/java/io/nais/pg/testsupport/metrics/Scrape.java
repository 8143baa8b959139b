package io.nais.pg.testsupport.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One scrape of a service's {@code /q/metrics} (Prometheus text format), read as a test reads it: which series
 * exist and what they hold. A series is named by its metric and a subset of its labels.
 */
public final class Scrape {

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})?\\s+(\\S+)");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");
    /** The samples a histogram or summary family writes besides its name. */
    private static final List<String> FAMILY_SUFFIXES = List.of("", "_bucket", "_count", "_sum", "_max", "_total",
            "_created");

    /** One line of the scrape. */
    public record Sample(String name, Map<String, String> labels, double value) {
    }

    private final String text;
    private final List<Sample> samples;

    private Scrape(String text, List<Sample> samples) {
        this.text = text;
        this.samples = samples;
    }

    public static Scrape of(String text) {
        List<Sample> samples = new ArrayList<>();
        for (String line : text.split("\n")) {
            Matcher m = SAMPLE.matcher(line);
            if (line.startsWith("#") || !m.find()) {
                continue;
            }
            Map<String, String> labels = new LinkedHashMap<>();
            if (m.group(3) != null) {
                Matcher l = LABEL.matcher(m.group(3));
                while (l.find()) {
                    labels.put(l.group(1), l.group(2));
                }
            }
            samples.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(4))));
        }
        return new Scrape(text, List.copyOf(samples));
    }

    /** The scrape as Prometheus served it. */
    public String text() {
        return text;
    }

    /** Whether a metric family (a counter's {@code _total}, a histogram's base name, a gauge) has a sample. */
    public boolean hasFamily(String family) {
        return samples.stream().anyMatch(s -> FAMILY_SUFFIXES.stream().anyMatch(x -> s.name().equals(family + x)));
    }

    /** The names of every sample in the scrape. */
    public Set<String> names() {
        return samples.stream().map(Sample::name).collect(Collectors.toCollection(TreeSet::new));
    }

    /**
     * The sum of the samples named {@code name} whose labels include {@code labels} (name, value pairs); 0 when
     * none matches, as a counter that has not counted yet.
     */
    public double value(String name, String... labels) {
        Map<String, String> wanted = new LinkedHashMap<>();
        for (int i = 0; i + 1 < labels.length; i += 2) {
            wanted.put(labels[i], labels[i + 1]);
        }
        return samples.stream().filter(s -> s.name().equals(name))
                .filter(s -> s.labels().entrySet().containsAll(wanted.entrySet()))
                .mapToDouble(Sample::value).sum();
    }
}
