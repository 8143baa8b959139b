package io.nais.pg.deploy;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One overlay as the cluster would receive it: rendered by the real
 * {@code kubectl kustomize}, every document parsed by the fabric8 model.
 */
record RenderedOverlay(String name, List<HasMetadata> objects) {

    static final List<String> OVERLAYS = List.of("dev", "prod");

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** Rendered once per JVM: the checks only read the objects (a test that breaks one clones it first). */
    private static final Map<String, RenderedOverlay> RENDERED = new ConcurrentHashMap<>();

    static RenderedOverlay render(String overlay) {
        return RENDERED.computeIfAbsent(overlay,
                name -> new RenderedOverlay(name, parse(kustomize(Repository.DEPLOY.resolve("overlays").resolve(name)))));
    }

    static String kustomize(Path directory) {
        try {
            Process process = new ProcessBuilder("kubectl", "kustomize", directory.toString())
                    .redirectError(ProcessBuilder.Redirect.PIPE)
                    .start();
            byte[] out = process.getInputStream().readAllBytes();
            String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new AssertionError("kubectl kustomize " + directory + " failed: " + err);
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError("kubectl is needed to render " + directory + " (.ci/run installs it)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Each YAML document through fabric8; kinds it does not know (CRDs) become GenericKubernetesResource. */
    static List<HasMetadata> parse(String yaml) {
        List<HasMetadata> objects = new ArrayList<>();
        try (MappingIterator<Map<String, Object>> documents = YAML.readerForMapOf(Object.class).readValues(yaml)) {
            while (documents.hasNext()) {
                Map<String, Object> document = documents.next();
                if (document != null && !document.isEmpty()) {
                    objects.add(Serialization.unmarshal(Serialization.asJson(document), HasMetadata.class));
                }
            }
        } catch (IOException e) {
            throw new AssertionError("rendered YAML does not parse", e);
        }
        return objects;
    }

    <T extends HasMetadata> List<T> all(Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    List<GenericKubernetesResource> custom(String kind) {
        return all(GenericKubernetesResource.class).stream().filter(o -> kind.equals(o.getKind())).toList();
    }

    List<Deployment> deployments() {
        return all(Deployment.class);
    }

    Deployment deployment(String name) {
        return deployments().stream().filter(d -> d.getMetadata().getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(this.name + ": no Deployment " + name));
    }

    /** Generated ConfigMaps carry a hash suffix; references are rewritten to the full name. */
    ConfigMap configMap(String renderedName) {
        return all(ConfigMap.class).stream().filter(c -> c.getMetadata().getName().equals(renderedName)).findFirst()
                .orElseThrow(() -> new AssertionError(name + ": no ConfigMap " + renderedName));
    }

    @Override
    public String toString() {
        return name;
    }
}
