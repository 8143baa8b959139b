package io.nais.pg.deploy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What every Deployment of the platform must have, as a list of violations
 * (empty = fine), so a test can show both that the manifests pass and that a
 * broken one is caught.
 */
final class DeploymentRules {

    /** What the JVM needs after the drain to stop (flush logs, close pools). */
    static final Duration STOP_MARGIN = Duration.ofSeconds(10);
    /** How long a service drains after SIGTERM: the gateway its sessions, a REST API its requests. */
    static final List<String> DRAIN_KEYS = List.of("nais.access.gateway.drain-timeout", "quarkus.shutdown.timeout");
    /** Quarkus' management interface (quarkus.management.port's default): health and metrics, nothing else. */
    static final int MANAGEMENT_PORT = 9000;
    static final String MANAGEMENT_PORT_NAME = "management";
    private static final Pattern SIMPLE_DURATION = Pattern.compile("(\\d+)(ms|s|m|h)?");

    private DeploymentRules() {
    }

    /** The rules, with the drain the service is configured with in that overlay. */
    static List<String> violations(RenderedOverlay overlay, Deployment deployment) {
        return violations(deployment, drain(overlay, deployment), servedByAService(overlay, deployment));
    }

    static List<String> violations(Deployment deployment, Duration drain) {
        return violations(deployment, drain, true);
    }

    /**
     * @param served whether a Service sends traffic to the pods: only then does a load balancer or
     *               kube-proxy need the preStop pause to take a terminating pod out (access-provisioning
     *               has no Service: nothing calls it)
     */
    static List<String> violations(Deployment deployment, Duration drain, boolean served) {
        String name = deployment.getMetadata().getName();
        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        List<String> violations = new ArrayList<>();
        checkPodSecurity(pod.getSecurityContext(), violations);
        checkScrapeAnnotations(deployment.getSpec().getTemplate().getMetadata().getAnnotations(), violations);
        checkTopologySpread(pod, deployment.getSpec().getTemplate().getMetadata().getLabels(), violations);
        for (Container container : pod.getContainers()) {
            String where = name + "/" + container.getName() + ": ";
            checkManagementPort(container, where, violations);
            checkProbe(container.getStartupProbe(), "/q/health/started", where + "startupProbe", violations);
            checkProbe(container.getLivenessProbe(), "/q/health/live", where + "livenessProbe", violations);
            checkProbe(container.getReadinessProbe(), "/q/health/ready", where + "readinessProbe", violations);
            if (served) {
                checkShutdown(container, pod.getTerminationGracePeriodSeconds(), drain, where, violations);
            }
            checkResources(container, where, violations);
            checkContainerSecurity(container.getSecurityContext(), where, violations);
            checkWritableTmp(container, pod.getVolumes(), where, violations);
        }
        return violations;
    }

    private static boolean servedByAService(RenderedOverlay overlay, Deployment deployment) {
        var labels = deployment.getSpec().getTemplate().getMetadata().getLabels();
        return overlay.all(io.fabric8.kubernetes.api.model.Service.class).stream()
                .map(s -> s.getSpec().getSelector()).filter(selector -> selector != null && !selector.isEmpty())
                .anyMatch(selector -> labels.entrySet().containsAll(selector.entrySet()));
    }

    /**
     * The load balancer stops sending during the preStop pause, then the service drains, then the JVM
     * stops: the grace period must cover all three, or the kubelet kills sessions mid-drain.
     */
    private static void checkShutdown(Container container, Long grace, Duration drain, String where, List<String> violations) {
        Optional<Duration> pause = preStopPause(container);
        if (pause.isEmpty()) {
            violations.add(where + "preStop must pause (sleep) while the load balancer takes the pod out");
            return;
        }
        Duration needed = pause.get().plus(drain).plus(STOP_MARGIN);
        long granted = grace == null ? 30 : grace;
        if (granted < needed.toSeconds()) {
            violations.add(where + "terminationGracePeriodSeconds " + granted + " < preStop " + pause.get().toSeconds()
                    + " s + drain " + drain.toSeconds() + " s + margin " + STOP_MARGIN.toSeconds() + " s");
        }
    }

    /** {@code exec: [sleep, N]} or the kubelet's sleep action. */
    static Optional<Duration> preStopPause(Container container) {
        var preStop = Optional.ofNullable(container.getLifecycle()).map(l -> l.getPreStop());
        Optional<Duration> sleepAction = preStop.map(h -> h.getSleep()).map(s -> Duration.ofSeconds(s.getSeconds()));
        Optional<Duration> sleepCommand = preStop.map(h -> h.getExec()).map(e -> e.getCommand())
                .filter(command -> command.size() == 2 && command.get(0).endsWith("sleep"))
                .map(command -> parseDuration(command.get(1)));
        return sleepAction.or(() -> sleepCommand);
    }

    /** The longest drain configured: the Deployment's literal environment over the prod properties. */
    static Duration drain(RenderedOverlay overlay, Deployment deployment) {
        String service = deployment.getMetadata().getName();
        Map<String, String> env = ProvidedConfig.of(overlay, deployment).literals();
        Path properties = ServiceConfig.applicationProperties(service);
        Properties prod = Files.exists(properties) ? ServiceConfig.prodView(Repository.read(properties)) : new Properties();
        return DRAIN_KEYS.stream()
                .map(key -> Optional.ofNullable(env.get(ServiceConfig.envName(key))).orElse(prod.getProperty(key)))
                .filter(value -> value != null).map(DeploymentRules::parseDuration)
                .max(Duration::compareTo).orElse(Duration.ZERO);
    }

    /** Quarkus' duration syntax: ISO-8601, or a number with ms/s/m/h (seconds when bare). */
    static Duration parseDuration(String value) {
        if (value.startsWith("P") || value.startsWith("p")) {
            return Duration.parse(value);
        }
        Matcher simple = SIMPLE_DURATION.matcher(value.trim());
        if (!simple.matches()) {
            throw new AssertionError("not a duration: " + value);
        }
        long amount = Long.parseLong(simple.group(1));
        return switch (simple.group(2) == null ? "s" : simple.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofSeconds(amount);
        };
    }

    /** One node or one zone lost takes at most its share: spread over both, selecting the pod's own replicas. */
    private static void checkTopologySpread(PodSpec pod, Map<String, String> podLabels, List<String> violations) {
        List<TopologySpreadConstraint> constraints = Optional.ofNullable(pod.getTopologySpreadConstraints()).orElse(List.of());
        for (String key : List.of("kubernetes.io/hostname", "topology.kubernetes.io/zone")) {
            boolean spread = constraints.stream().anyMatch(c -> key.equals(c.getTopologyKey()) && c.getLabelSelector() != null
                    && NetworkPolicyEvaluator.matches(c.getLabelSelector(), podLabels));
            if (!spread) {
                violations.add("topologySpreadConstraints must spread the pod's replicas over " + key);
            }
        }
    }

    /** The container names its management port (quarkus.management.port, 9000): probes and scrapes go there. */
    private static void checkManagementPort(Container container, String where, List<String> violations) {
        boolean declared = Optional.ofNullable(container.getPorts()).orElse(List.of()).stream()
                .anyMatch(port -> MANAGEMENT_PORT_NAME.equals(port.getName()) && port.getContainerPort() == MANAGEMENT_PORT);
        if (!declared) {
            violations.add(where + "needs container port " + MANAGEMENT_PORT_NAME + " = " + MANAGEMENT_PORT);
        }
    }

    /**
     * Probes GET the management interface: the public port answers 404 for {@code /q/*} (quarkus.management.enabled),
     * so a probe there would never pass.
     */
    private static void checkProbe(Probe probe, String path, String what, List<String> violations) {
        if (probe == null || probe.getHttpGet() == null || !path.equals(probe.getHttpGet().getPath())) {
            violations.add(what + " must GET " + path);
            return;
        }
        var port = probe.getHttpGet().getPort();
        boolean management = port != null && (MANAGEMENT_PORT_NAME.equals(port.getStrVal())
                || Integer.valueOf(MANAGEMENT_PORT).equals(port.getIntVal()));
        if (!management) {
            violations.add(what + " must GET " + path + " on port " + MANAGEMENT_PORT_NAME);
        }
    }

    private static void checkResources(Container container, String where, List<String> violations) {
        var resources = container.getResources();
        if (resources == null || resources.getRequests() == null || !resources.getRequests().containsKey("memory")
                || !resources.getRequests().containsKey("cpu")) {
            violations.add(where + "cpu and memory requests missing");
        }
        if (resources == null || resources.getLimits() == null || !resources.getLimits().containsKey("memory")) {
            violations.add(where + "memory limit missing");
        }
    }

    private static void checkPodSecurity(PodSecurityContext pod, List<String> violations) {
        if (pod == null || !Boolean.TRUE.equals(pod.getRunAsNonRoot())) {
            violations.add("pod securityContext.runAsNonRoot must be true");
        }
        if (pod == null || pod.getSeccompProfile() == null || !"RuntimeDefault".equals(pod.getSeccompProfile().getType())) {
            violations.add("pod seccompProfile must be RuntimeDefault");
        }
    }

    private static void checkContainerSecurity(SecurityContext security, String where, List<String> violations) {
        if (security == null) {
            violations.add(where + "securityContext missing");
            return;
        }
        if (!Boolean.TRUE.equals(security.getRunAsNonRoot())) {
            violations.add(where + "runAsNonRoot must be true");
        }
        if (!Boolean.TRUE.equals(security.getReadOnlyRootFilesystem())) {
            violations.add(where + "readOnlyRootFilesystem must be true");
        }
        if (!Boolean.FALSE.equals(security.getAllowPrivilegeEscalation())) {
            violations.add(where + "allowPrivilegeEscalation must be false");
        }
        boolean dropsAll = security.getCapabilities() != null && security.getCapabilities().getDrop() != null
                && security.getCapabilities().getDrop().contains("ALL");
        if (!dropsAll) {
            violations.add(where + "capabilities must drop ALL");
        }
    }

    /** A read-only root needs a writable /tmp (Netty, the JVM) backed by an emptyDir. */
    private static void checkWritableTmp(Container container, List<Volume> volumes, String where, List<String> violations) {
        Optional<String> tmpVolume = Optional.ofNullable(container.getVolumeMounts()).orElse(List.of()).stream()
                .filter(mount -> "/tmp".equals(mount.getMountPath())).map(mount -> mount.getName()).findFirst();
        boolean emptyDir = tmpVolume.isPresent() && Optional.ofNullable(volumes).orElse(List.of()).stream()
                .anyMatch(volume -> volume.getName().equals(tmpVolume.get()) && volume.getEmptyDir() != null);
        if (!emptyDir) {
            violations.add(where + "/tmp must be an emptyDir mount");
        }
    }

    private static void checkScrapeAnnotations(Map<String, String> annotations, List<String> violations) {
        Map<String, String> present = annotations == null ? Map.of() : annotations;
        if (!"true".equals(present.get("prometheus.io/scrape")) || !"/q/metrics".equals(present.get("prometheus.io/path"))
                || !Integer.toString(MANAGEMENT_PORT).equals(present.get("prometheus.io/port"))) {
            violations.add("pod template needs prometheus.io/scrape=true, prometheus.io/path=/q/metrics and prometheus.io/port="
                    + MANAGEMENT_PORT);
        }
    }
}
