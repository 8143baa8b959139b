package io.nais.pg.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The rules catch a broken manifest: each break of a rendered Deployment is reported. */
class DeploymentRulesTest {

    private static final RenderedOverlay PROD = RenderedOverlay.render("prod");

    private static Deployment rendered() {
        return Serialization.clone(PROD.deployment("access-gateway"));
    }

    private static List<String> violations(Deployment deployment) {
        return DeploymentRules.violations(PROD, deployment);
    }

    static Stream<RenderedOverlay> overlays() {
        return KustomizeOverlaysTest.overlays();
    }

    @Test
    void aDeploymentWithoutProbesIsRejected() {
        Deployment deployment = rendered();
        deployment.getSpec().getTemplate().getSpec().getContainers().get(0).setReadinessProbe(null);
        deployment.getSpec().getTemplate().getSpec().getContainers().get(0).setStartupProbe(null);
        assertThat(violations(deployment)).anySatisfy(v -> assertThat(v).contains("readinessProbe"))
                .anySatisfy(v -> assertThat(v).contains("startupProbe must GET /q/health/started"));
    }

    /** The public port answers 404 for /q/* (quarkus.management.enabled): a probe or scrape there is a broken rollout. */
    @Test
    void probesOrScrapesOnThePublicPortAreRejected() {
        Deployment deployment = rendered();
        var container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
        container.getReadinessProbe().getHttpGet().setPort(new IntOrString("http"));
        deployment.getSpec().getTemplate().getMetadata().getAnnotations().put("prometheus.io/port", "8081");
        assertThat(violations(deployment)).anySatisfy(v -> assertThat(v).contains("readinessProbe must GET /q/health/ready on port management"))
                .anySatisfy(v -> assertThat(v).contains("prometheus.io/port=9000"));
        container.getPorts().removeIf(port -> "management".equals(port.getName()));
        assertThat(violations(deployment)).anySatisfy(v -> assertThat(v).contains("needs container port management = 9000"));
    }

    @Test
    void aDeploymentWithoutAMemoryLimitIsRejected() {
        Deployment deployment = rendered();
        deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getResources().getLimits().remove("memory");
        assertThat(violations(deployment)).anySatisfy(v -> assertThat(v).contains("memory limit"));
    }

    @Test
    void aDeploymentThatMayRunAsRootOrWriteItsRootFilesystemIsRejected() {
        Deployment deployment = rendered();
        var security = deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getSecurityContext();
        security.setRunAsNonRoot(null);
        security.setReadOnlyRootFilesystem(false);
        security.getCapabilities().getDrop().clear();
        assertThat(violations(deployment)).anySatisfy(v -> assertThat(v).contains("runAsNonRoot"))
                .anySatisfy(v -> assertThat(v).contains("readOnlyRootFilesystem"))
                .anySatisfy(v -> assertThat(v).contains("drop ALL"));
    }

    @Test
    void aGatewayWithoutAPreStopPauseOrWithAGracePeriodShorterThanPauseDrainAndMarginIsRejected() {
        Deployment withoutPause = rendered();
        withoutPause.getSpec().getTemplate().getSpec().getContainers().get(0).setLifecycle(null);
        assertThat(violations(withoutPause)).anySatisfy(v -> assertThat(v).contains("preStop must pause"));

        // the grace period the issue found: 40 s, 20 s over the gateway's drain, no room for the pause
        Deployment shortGrace = rendered();
        shortGrace.getSpec().getTemplate().getSpec().setTerminationGracePeriodSeconds(40L);
        assertThat(violations(shortGrace)).anySatisfy(v -> assertThat(v).contains("terminationGracePeriodSeconds 40 < preStop 30 s + drain 20 s"));
    }

    @Test
    void theGatewaysDrainIsReadFromItsConfiguration() {
        assertThat(DeploymentRules.drain(PROD, PROD.deployment("access-gateway"))).isEqualTo(Duration.ofSeconds(20));
        assertThat(DeploymentRules.preStopPause(PROD.deployment("access-gateway").getSpec().getTemplate().getSpec()
                .getContainers().get(0))).contains(Duration.ofSeconds(30));
        assertThat(DeploymentRules.parseDuration("PT1M")).isEqualTo(Duration.ofMinutes(1));
        assertThat(DeploymentRules.parseDuration("500ms")).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void aDeploymentThatMayPutAllReplicasOnOneNodeOrZoneIsRejected() {
        Deployment deployment = rendered();
        deployment.getSpec().getTemplate().getSpec().getTopologySpreadConstraints()
                .removeIf(c -> c.getTopologyKey().equals("topology.kubernetes.io/zone"));
        assertThat(violations(deployment)).anySatisfy(v -> assertThat(v).contains("topology.kubernetes.io/zone"));
        deployment.getSpec().getTemplate().getSpec().getTopologySpreadConstraints().get(0).getLabelSelector()
                .getMatchLabels().put("app.kubernetes.io/name", "another-app");
        assertThat(violations(deployment)).anySatisfy(v -> assertThat(v).contains("kubernetes.io/hostname"));
    }

    @Test
    void theRenderedDeploymentItselfPasses() {
        assertThat(violations(rendered())).isEmpty();
    }

    /** Prod runs three gateways: a drain or an upgrade of nodes must never take two of them at once. */
    @ParameterizedTest
    @MethodSource("overlays")
    void everyDisruptionBudgetLetsAtMostOnePodGoAtATime(RenderedOverlay overlay) {
        for (PodDisruptionBudget budget : overlay.all(PodDisruptionBudget.class)) {
            String service = budget.getSpec().getSelector().getMatchLabels().get("app.kubernetes.io/name");
            int replicas = overlay.deployment(service).getSpec().getReplicas();
            assertThat(allowedDisruptions(budget, replicas)).as(overlay + "/" + service + " with " + replicas + " replicas")
                    .isEqualTo(1);
        }
        assertThat(PROD.deployment("access-gateway").getSpec().getReplicas()).isEqualTo(3);
    }

    @Test
    void aBudgetOfMinAvailableOneWithThreeGatewaysIsCaught() {
        PodDisruptionBudget budget = Serialization.clone(PROD.all(PodDisruptionBudget.class).get(0));
        budget.getSpec().setMaxUnavailable(null);
        budget.getSpec().setMinAvailable(new IntOrString(1));
        assertThat(allowedDisruptions(budget, 3)).isEqualTo(2);
    }

    private static int allowedDisruptions(PodDisruptionBudget budget, int replicas) {
        IntOrString maxUnavailable = budget.getSpec().getMaxUnavailable();
        if (maxUnavailable != null) {
            return maxUnavailable.getIntVal();
        }
        return replicas - budget.getSpec().getMinAvailable().getIntVal();
    }
}
