package io.nais.pg.deploy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One Deployment's pod as the kubelet would set it up, on this host: the container's environment
 * (env values, {@code valueFrom} ConfigMap and Secret keys, {@code envFrom}) and its volumes
 * (emptyDir, ConfigMap, Secret, projected, the service-account token) written as files under
 * {@link PodFilesystem}. What the kubelet would refuse (a missing ConfigMap, Secret or key that is
 * not optional) fails here with the same reason. Then two documented changes, and no others: the
 * endpoints of {@link ConformanceInfrastructure#endpointSubstitutions()}, and the path rule of
 * {@link PodFilesystem}.
 */
record Pod(String name, String module, Map<String, String> environment, PodFilesystem filesystem,
           Set<Integer> ports, List<HttpProbe> probes, String maxHeap) {

    /** The image's JVM takes 75% of the container's memory limit ({@code -XX:MaxRAMPercentage=75}). */
    private static final double HEAP_SHARE_OF_LIMIT = 0.75;
    private static final String SERVICE_ACCOUNT_PATH = "/var/run/secrets/kubernetes.io/serviceaccount";
    private static final Pattern DEPENDENT_VARIABLE = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");

    /** An HTTP probe of the container, its named port resolved. */
    record HttpProbe(String kind, String path, int port) {
    }

    static Pod prepare(RenderedOverlay overlay, Deployment deployment, TestSecrets secrets,
            ConformanceInfrastructure infrastructure, Path root) {
        PodSpec spec = deployment.getSpec().getTemplate().getSpec();
        String where = overlay + "/" + deployment.getMetadata().getName();
        if (spec.getContainers().size() != 1 || !Optional.ofNullable(spec.getInitContainers()).orElse(List.of()).isEmpty()) {
            throw new AssertionError(where + ": one container and no init containers are supported here");
        }
        Container container = spec.getContainers().get(0);
        String namespace = deployment.getMetadata().getNamespace();
        String podName = deployment.getMetadata().getName() + "-conformance";
        PodFilesystem filesystem = new PodFilesystem(root);
        Kubelet kubelet = new Kubelet(where, overlay, secrets, filesystem);

        List<String> mounts = kubelet.mountVolumes(spec, container);
        Map<String, String> environment = kubelet.environment(container, podName, namespace);
        infrastructure.endpointSubstitutions().forEach(environment::replace);
        environment.replaceAll((variable, value) -> filesystem.rewrite(value, mounts));
        if (mountsServiceAccountToken(overlay, spec)) {
            infrastructure.writeServiceAccount(filesystem.host(SERVICE_ACCOUNT_PATH), namespace);
            environment.putAll(infrastructure.kubeletApiServerEnvironment(filesystem.host(SERVICE_ACCOUNT_PATH)));
        }
        environment.put("HOSTNAME", podName);
        // the image's: a home of its own and a PATH to the JVM and (backup-service) the PostgreSQL client
        environment.put("HOME", root.toString());
        environment.put("PATH", System.getenv("PATH"));
        return new Pod(deployment.getMetadata().getName(), module(container), environment, filesystem,
                ports(container), probes(container, where), maxHeap(container));
    }

    /** The repository module of the image {@code ghcr.io/nais/pg/<module>:<tag>}, whose quarkus-app the image holds. */
    static String module(Container container) {
        String image = container.getImage().replaceAll("@.*", "");
        String repository = image.substring(image.lastIndexOf('/') + 1);
        return repository.contains(":") ? repository.substring(0, repository.indexOf(':')) : repository;
    }

    /** The first probe the kubelet uses to send traffic: readiness. */
    HttpProbe readiness() {
        return probes.stream().filter(p -> p.kind().equals("readiness")).findFirst()
                .orElseThrow(() -> new AssertionError(name + ": no HTTP readinessProbe"));
    }

    private static boolean mountsServiceAccountToken(RenderedOverlay overlay, PodSpec spec) {
        if (spec.getAutomountServiceAccountToken() != null) {
            return spec.getAutomountServiceAccountToken();
        }
        String account = Optional.ofNullable(spec.getServiceAccountName()).orElse("default");
        return overlay.all(ServiceAccount.class).stream().filter(a -> a.getMetadata().getName().equals(account))
                .map(ServiceAccount::getAutomountServiceAccountToken).filter(Objects::nonNull).findFirst().orElse(true);
    }

    private static Set<Integer> ports(Container container) {
        Set<Integer> ports = new TreeSet<>();
        Optional.ofNullable(container.getPorts()).orElse(List.of()).forEach(p -> ports.add(p.getContainerPort()));
        return ports;
    }

    private static List<HttpProbe> probes(Container container, String where) {
        Map<String, Probe> declared = new LinkedHashMap<>();
        declared.put("startup", container.getStartupProbe());
        declared.put("readiness", container.getReadinessProbe());
        declared.put("liveness", container.getLivenessProbe());
        List<HttpProbe> probes = new ArrayList<>();
        declared.forEach((kind, probe) -> {
            if (probe != null && probe.getHttpGet() != null) {
                probes.add(new HttpProbe(kind, probe.getHttpGet().getPath(), port(container, probe.getHttpGet().getPort(), where)));
            }
        });
        return probes;
    }

    private static int port(Container container, IntOrString port, String where) {
        if (port.getIntVal() != null) {
            return port.getIntVal();
        }
        return Optional.ofNullable(container.getPorts()).orElse(List.of()).stream()
                .filter(p -> port.getStrVal().equals(p.getName())).map(ContainerPort::getContainerPort).findFirst()
                .orElseThrow(() -> new AssertionError(where + ": a probe names port " + port.getStrVal() + ", which the container does not declare"));
    }

    private static String maxHeap(Container container) {
        Quantity limit = Optional.ofNullable(container.getResources()).map(r -> r.getLimits()).map(l -> l.get("memory"))
                .orElseThrow(() -> new AssertionError(container.getName() + ": no memory limit"));
        long bytes = Quantity.getAmountInBytes(limit).longValue();
        return (long) (bytes * HEAP_SHARE_OF_LIMIT / (1024 * 1024)) + "m";
    }

    /** The kubelet's part: volumes to files, references to values, refusing what it would refuse. */
    private record Kubelet(String where, RenderedOverlay overlay, TestSecrets secrets, PodFilesystem filesystem) {

        /** Writes each mounted volume under the pod's root; returns the mount paths. */
        List<String> mountVolumes(PodSpec spec, Container container) {
            Map<String, Volume> volumes = new LinkedHashMap<>();
            Optional.ofNullable(spec.getVolumes()).orElse(List.of()).forEach(v -> volumes.put(v.getName(), v));
            List<String> mounts = new ArrayList<>();
            for (VolumeMount mount : Optional.ofNullable(container.getVolumeMounts()).orElse(List.of())) {
                Volume volume = volumes.get(mount.getName());
                if (volume == null) {
                    throw new AssertionError(where + ": mount " + mount.getMountPath() + " names no volume " + mount.getName());
                }
                if (mount.getSubPath() != null) {
                    throw new AssertionError(where + ": subPath mounts are not supported here");
                }
                mount(volume, filesystem.host(mount.getMountPath()));
                mounts.add(mount.getMountPath());
            }
            // longest first, so a mount inside another one rewrites its own paths
            mounts.sort((a, b) -> b.length() - a.length());
            return mounts;
        }

        private void mount(Volume volume, Path directory) {
            mkdirs(directory);
            if (volume.getEmptyDir() != null) {
                return;
            }
            if (volume.getSecret() != null) {
                var source = volume.getSecret();
                writeKeys(directory, secretData(source.getSecretName(), source.getOptional()), source.getItems(), source.getDefaultMode());
            } else if (volume.getConfigMap() != null) {
                var source = volume.getConfigMap();
                writeKeys(directory, configMapData(source.getName(), source.getOptional()), source.getItems(), source.getDefaultMode());
            } else if (volume.getProjected() != null) {
                for (VolumeProjection projection : volume.getProjected().getSources()) {
                    project(projection, directory, volume.getProjected().getDefaultMode());
                }
            } else {
                throw new AssertionError(where + ": volume " + volume.getName() + " is of a kind not supported here");
            }
        }

        private void project(VolumeProjection projection, Path directory, Integer mode) {
            if (projection.getSecret() != null) {
                var source = projection.getSecret();
                writeKeys(directory, secretData(source.getName(), source.getOptional()), source.getItems(), mode);
            } else if (projection.getConfigMap() != null) {
                var source = projection.getConfigMap();
                writeKeys(directory, configMapData(source.getName(), source.getOptional()), source.getItems(), mode);
            } else if (projection.getServiceAccountToken() != null) {
                write(directory.resolve(projection.getServiceAccountToken().getPath()),
                        "conformance-test-token".getBytes(StandardCharsets.UTF_8), mode);
            } else {
                throw new AssertionError(where + ": a projected source of a kind not supported here");
            }
        }

        /** All keys as files, or only the items (key to path), as the kubelet projects them. */
        private void writeKeys(Path directory, Map<String, byte[]> data, List<KeyToPath> items, Integer mode) {
            if (items == null || items.isEmpty()) {
                data.forEach((key, value) -> write(directory.resolve(key), value, mode));
                return;
            }
            for (KeyToPath item : items) {
                byte[] value = data.get(item.getKey());
                if (value == null) {
                    throw new AssertionError(where + ": the kubelet would not start the pod: volume item " + item.getKey() + " is missing");
                }
                write(directory.resolve(item.getPath()), value, item.getMode() != null ? item.getMode() : mode);
            }
        }

        Map<String, String> environment(Container container, String podName, String namespace) {
            Map<String, String> environment = new LinkedHashMap<>();
            // envFrom first: an env entry of the same name wins
            for (EnvFromSource source : Optional.ofNullable(container.getEnvFrom()).orElse(List.of())) {
                String prefix = Optional.ofNullable(source.getPrefix()).orElse("");
                if (source.getConfigMapRef() != null) {
                    configMapData(source.getConfigMapRef().getName(), source.getConfigMapRef().getOptional())
                            .forEach((key, value) -> environment.put(prefix + key, new String(value, StandardCharsets.UTF_8)));
                } else if (source.getSecretRef() != null) {
                    secretData(source.getSecretRef().getName(), source.getSecretRef().getOptional())
                            .forEach((key, value) -> environment.put(prefix + key, new String(value, StandardCharsets.UTF_8)));
                }
            }
            for (EnvVar env : Optional.ofNullable(container.getEnv()).orElse(List.of())) {
                String value = value(env, podName, namespace, environment);
                if (value != null) {
                    environment.put(env.getName(), value);
                }
            }
            return environment;
        }

        private String value(EnvVar env, String podName, String namespace, Map<String, String> earlier) {
            if (env.getValueFrom() == null) {
                return expand(Optional.ofNullable(env.getValue()).orElse(""), earlier);
            }
            var from = env.getValueFrom();
            if (from.getConfigMapKeyRef() != null) {
                var ref = from.getConfigMapKeyRef();
                return key(configMapData(ref.getName(), ref.getOptional()), ref.getName(), ref.getKey(), ref.getOptional());
            }
            if (from.getSecretKeyRef() != null) {
                var ref = from.getSecretKeyRef();
                return key(secretData(ref.getName(), ref.getOptional()), ref.getName(), ref.getKey(), ref.getOptional());
            }
            if (from.getFieldRef() != null) {
                return switch (from.getFieldRef().getFieldPath()) {
                    case "metadata.name" -> podName;
                    case "metadata.namespace" -> namespace;
                    case "status.podIP", "status.hostIP" -> "127.0.0.1";
                    default -> throw new AssertionError(where + ": fieldRef " + from.getFieldRef().getFieldPath() + " is not supported here");
                };
            }
            throw new AssertionError(where + ": env " + env.getName() + " has a valueFrom not supported here");
        }

        /** {@code $(VAR)} of an earlier variable, as the kubelet expands it; an unknown one stays as written. */
        private static String expand(String value, Map<String, String> earlier) {
            Matcher reference = DEPENDENT_VARIABLE.matcher(value);
            StringBuilder expanded = new StringBuilder();
            while (reference.find()) {
                String replacement = earlier.getOrDefault(reference.group(1), reference.group());
                reference.appendReplacement(expanded, Matcher.quoteReplacement(replacement));
            }
            return reference.appendTail(expanded).toString();
        }

        private String key(Map<String, byte[]> data, String source, String key, Boolean optional) {
            byte[] value = data.get(key);
            if (value == null && !Boolean.TRUE.equals(optional)) {
                throw new AssertionError(where + ": the kubelet would not start the pod: " + source + " has no key " + key);
            }
            return value == null ? null : new String(value, StandardCharsets.UTF_8);
        }

        private Map<String, byte[]> secretData(String name, Boolean optional) {
            Map<String, byte[]> data = secrets.secret(name);
            if (data == null && !Boolean.TRUE.equals(optional)) {
                throw new AssertionError(where + ": the kubelet would not start the pod: no Secret " + name);
            }
            return data == null ? Map.of() : data;
        }

        private Map<String, byte[]> configMapData(String name, Boolean optional) {
            Optional<ConfigMap> configMap = overlay.all(ConfigMap.class).stream()
                    .filter(c -> c.getMetadata().getName().equals(name)).findFirst();
            if (configMap.isEmpty() && !Boolean.TRUE.equals(optional)) {
                throw new AssertionError(where + ": the kubelet would not start the pod: no ConfigMap " + name);
            }
            Map<String, byte[]> data = new TreeMap<>();
            configMap.map(ConfigMap::getData).orElse(Map.of())
                    .forEach((key, value) -> data.put(key, value.getBytes(StandardCharsets.UTF_8)));
            return data;
        }

        private static void write(Path file, byte[] content, Integer mode) {
            try {
                mkdirs(file.getParent());
                Files.write(file, content);
                Files.setPosixFilePermissions(file, permissions(mode == null ? 0644 : mode));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static void mkdirs(Path directory) {
            try {
                Files.createDirectories(directory);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** A Kubernetes file mode (decimal in JSON, e.g. 288 = 0440) as POSIX permissions. */
        private static Set<PosixFilePermission> permissions(int mode) {
            Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
            PosixFilePermission[] bits = {
                    PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
                    PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
                    PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
            for (int bit = 0; bit < bits.length; bit++) {
                if ((mode & (1 << bit)) != 0) {
                    permissions.add(bits[bit]);
                }
            }
            return permissions;
        }
    }
}
