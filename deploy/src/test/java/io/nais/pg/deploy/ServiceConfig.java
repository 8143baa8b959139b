package io.nais.pg.deploy;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The configuration keys a service needs in production, read from the
 * repository: its application.properties and the {@code @ConfigMapping}
 * interfaces of the service and of service-kit.
 *
 * <p>Required are: keys every service reads from the environment by contract
 * (database, Kafka); {@code ${key}} references without a default; mapping
 * leaves that are neither {@code Optional} nor {@code @WithDefault} and not set
 * in the prod profile; and {@link #ON_IN_PROD}: keys that are optional to the
 * mapping but needed because the feature is on by default in prod. Commented
 * examples in a properties file are not enough: some switch optional features on.
 */
final class ServiceConfig {

    /** docs/contracts.md: every service gets these from the environment in prod. */
    static final List<String> CONTRACT_KEYS = List.of(
            "kafka.bootstrap.servers",
            "quarkus.datasource.jdbc.url",
            "quarkus.datasource.username",
            "quarkus.datasource.password");

    /**
     * The gateway is enabled by default and refuses to start without an issuer
     * and audience; without the TLS and CA files it would mint throwaway
     * certificates no cluster trusts.
     */
    static final Map<String, List<String>> ON_IN_PROD = Map.of("access-gateway", List.of(
            "nais.access.gateway.oidc.issuer", "nais.access.gateway.oidc.audience",
            "nais.access.gateway.tls.cert-file", "nais.access.gateway.tls.key-file",
            "nais.access.gateway.ca.cert-file", "nais.access.gateway.ca.key-file"));

    /** The innermost {@code ${key}} without a default; an outer one is resolved through it. */
    private static final Pattern REFERENCE = Pattern.compile("\\$\\{([^:${}]+)}");
    /** Keys Quarkus itself provides ({@code quarkus.uuid}: a random UUID per start). */
    private static final Set<String> PROVIDED = Set.of("quarkus.uuid");
    private static final Pattern MAPPING = Pattern.compile("@ConfigMapping\\(prefix\\s*=\\s*\"([^\"]+)\"\\)\\s*(?:public\\s+)?interface\\s+(\\w+)");
    private static final Pattern INTERFACE = Pattern.compile("^\\s*(?:public\\s+)?interface\\s+(\\w+)");
    private static final Pattern METHOD = Pattern.compile("^\\s*([\\w.]+(?:<[\\w<>, .?]+>)?)\\s+(\\w+)\\(\\);");

    private ServiceConfig() {
    }

    static Path applicationProperties(String service) {
        return Repository.ROOT.resolve(Repository.module(service)).resolve("src/main/resources/application.properties");
    }

    static Set<String> requiredInProd(String service) {
        String text = Repository.read(applicationProperties(service));
        Properties prod = prodView(text);
        Set<String> required = new TreeSet<>(CONTRACT_KEYS);
        required.addAll(unresolvedReferences(prod));
        for (Path sources : List.of(Repository.ROOT.resolve(Repository.module(service)), Repository.ROOT.resolve("service-kit"))) {
            requiredMappingLeaves(sources.resolve("src/main/java")).stream()
                    .filter(key -> !prod.containsKey(key))
                    .forEach(required::add);
        }
        required.addAll(ON_IN_PROD.getOrDefault(service, List.of()));
        required.addAll(requiredOidc(service));
        return required;
    }

    /**
     * A service with quarkus-oidc refuses to start outside dev mode without an auth-server-url (unless
     * its tenant is switched off), and without a token audience it would take any token the issuer
     * signs, for any client: both must be set, by the properties or the environment.
     */
    static Set<String> requiredOidc(String service) {
        Properties prod = prodView(Repository.read(applicationProperties(service)));
        if (!usesQuarkusOidc(service) || "false".equals(prod.getProperty("quarkus.oidc.tenant-enabled"))
                || "false".equals(prod.getProperty("quarkus.oidc.enabled"))) {
            return Set.of();
        }
        Set<String> required = new TreeSet<>(Set.of("quarkus.oidc.auth-server-url", "quarkus.oidc.token.audience"));
        required.removeIf(prod::containsKey);
        return required;
    }

    /** The service depends on the quarkus-oidc extension directly (its pom), where the tenant config is read. */
    static boolean usesQuarkusOidc(String service) {
        return Repository.read(Repository.ROOT.resolve(Repository.module(service)).resolve("pom.xml"))
                .contains("<artifactId>quarkus-oidc</artifactId>");
    }

    /** The properties as the prod profile sees them: other profiles' {@code %x.} lines left out. */
    static Properties prodView(String text) {
        Properties all = new Properties();
        try {
            all.load(new StringReader(text));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Properties prod = new Properties();
        all.stringPropertyNames().stream()
                .filter(key -> !key.startsWith("%") || key.startsWith("%prod."))
                .forEach(key -> prod.setProperty(key.replaceFirst("^%prod\\.", ""), all.getProperty(key)));
        return prod;
    }

    private static Set<String> unresolvedReferences(Properties prod) {
        Set<String> keys = new TreeSet<>();
        for (String key : prod.stringPropertyNames()) {
            Matcher reference = REFERENCE.matcher(prod.getProperty(key));
            while (reference.find()) {
                if (!prod.containsKey(reference.group(1)) && !PROVIDED.contains(reference.group(1))) {
                    keys.add(reference.group(1));
                }
            }
        }
        return keys;
    }

    /** The environment variable Quarkus reads for a key (MicroProfile Config's env mapping). */
    static String envName(String key) {
        return key.toUpperCase().replaceAll("[^A-Z0-9]", "_");
    }

    static Set<String> requiredMappingLeaves(Path javaSources) {
        if (!Files.isDirectory(javaSources)) {
            return Set.of();
        }
        Set<String> keys = new TreeSet<>();
        try (Stream<Path> files = Files.walk(javaSources)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String source = Repository.read(file);
                Matcher mapping = MAPPING.matcher(source);
                if (mapping.find()) {
                    collectLeaves(mapping.group(1), mapping.group(2), methodsByInterface(source), keys);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return keys;
    }

    record Method(String type, String name, boolean hasDefault) {
    }

    /** A line-based reading of the interface bodies: enough for config mappings, which hold only accessors. */
    static Map<String, List<Method>> methodsByInterface(String source) {
        Map<String, List<Method>> methods = new HashMap<>();
        List<String> stack = new ArrayList<>();
        List<Integer> depthAtOpen = new ArrayList<>();
        int depth = 0;
        boolean pendingDefault = false;
        for (String line : source.split("\n")) {
            String trimmed = line.trim();
            Matcher declared = INTERFACE.matcher(line);
            Matcher method = METHOD.matcher(line);
            if (declared.find()) {
                stack.add(declared.group(1));
                // a group whose keys all come from a shared interface (kit CallerSettings, all defaulted) is a group, not a leaf
                methods.computeIfAbsent(declared.group(1), k -> new ArrayList<>());
                depthAtOpen.add(depth);
            } else if (trimmed.startsWith("@WithDefault")) {
                pendingDefault = true;
            } else if (method.find() && !stack.isEmpty()) {
                methods.computeIfAbsent(stack.get(stack.size() - 1), k -> new ArrayList<>())
                        .add(new Method(method.group(1), method.group(2), pendingDefault));
                pendingDefault = false;
            }
            for (char c : line.toCharArray()) {
                if (c == '{') {
                    depth++;
                } else if (c == '}') {
                    depth--;
                    if (!stack.isEmpty() && depth == depthAtOpen.get(depthAtOpen.size() - 1)) {
                        stack.remove(stack.size() - 1);
                        depthAtOpen.remove(depthAtOpen.size() - 1);
                    }
                }
            }
        }
        return methods;
    }

    private static void collectLeaves(String prefix, String type, Map<String, List<Method>> methods, Set<String> keys) {
        for (Method method : methods.getOrDefault(type, List.of())) {
            String key = prefix + "." + kebab(method.name());
            if (methods.containsKey(method.type())) {
                collectLeaves(key, method.type(), methods, keys);
            } else if (!method.hasDefault() && !method.type().startsWith("Optional") && !method.type().startsWith("Map")) {
                keys.add(key);
            }
        }
    }

    static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
    }
}
