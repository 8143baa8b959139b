package io.nais.pg.deploy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What every Deployment of the platform must have, as a list of violations
 * (empty = fine), so a test can show both that the manifests pass and that a
 * broken one is caught.
 */
final class DeploymentRules {

    private DeploymentRules() {
    }

    static List<String> violations(Deployment deployment) {
        String name = deployment.getMetadata().getName();
        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        List<String> violations = new ArrayList<>();
        checkPodSecurity(pod.getSecurityContext(), violations);
        checkScrapeAnnotations(deployment.getSpec().getTemplate().getMetadata().getAnnotations(), violations);
        for (Container container : pod.getContainers()) {
            String where = name + "/" + container.getName() + ": ";
            checkProbe(container.getLivenessProbe(), "/q/health/live", where + "livenessProbe", violations);
            checkProbe(container.getReadinessProbe(), "/q/health/ready", where + "readinessProbe", violations);
            checkResources(container, where, violations);
            checkContainerSecurity(container.getSecurityContext(), where, violations);
            checkWritableTmp(container, pod.getVolumes(), where, violations);
        }
        return violations;
    }

    private static void checkProbe(Probe probe, String path, String what, List<String> violations) {
        if (probe == null || probe.getHttpGet() == null || !path.equals(probe.getHttpGet().getPath())) {
            violations.add(what + " must GET " + path);
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
        if (!"true".equals(present.get("prometheus.io/scrape")) || !"/q/metrics".equals(present.get("prometheus.io/path"))) {
            violations.add("pod template needs prometheus.io/scrape=true and prometheus.io/path=/q/metrics");
        }
    }
}
