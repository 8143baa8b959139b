package io.nais.pg.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;

/** The rules catch a broken manifest: each break of a rendered Deployment is reported. */
class DeploymentRulesTest {

    private static Deployment rendered() {
        Deployment original = RenderedOverlay.render("prod").deployment("access-service");
        return Serialization.clone(original);
    }

    @Test
    void aDeploymentWithoutProbesIsRejected() {
        Deployment deployment = rendered();
        deployment.getSpec().getTemplate().getSpec().getContainers().get(0).setReadinessProbe(null);
        assertThat(DeploymentRules.violations(deployment)).anySatisfy(v -> assertThat(v).contains("readinessProbe"));
    }

    @Test
    void aDeploymentWithoutAMemoryLimitIsRejected() {
        Deployment deployment = rendered();
        deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getResources().getLimits().remove("memory");
        assertThat(DeploymentRules.violations(deployment)).anySatisfy(v -> assertThat(v).contains("memory limit"));
    }

    @Test
    void aDeploymentThatMayRunAsRootOrWriteItsRootFilesystemIsRejected() {
        Deployment deployment = rendered();
        var security = deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getSecurityContext();
        security.setRunAsNonRoot(null);
        security.setReadOnlyRootFilesystem(false);
        security.getCapabilities().getDrop().clear();
        assertThat(DeploymentRules.violations(deployment)).anySatisfy(v -> assertThat(v).contains("runAsNonRoot"))
                .anySatisfy(v -> assertThat(v).contains("readOnlyRootFilesystem"))
                .anySatisfy(v -> assertThat(v).contains("drop ALL"));
    }

    @Test
    void theRenderedDeploymentItselfPasses() {
        assertThat(DeploymentRules.violations(rendered())).isEmpty();
    }
}
