package io.nais.pg.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The evaluator's reading of the NetworkPolicy API, on small hand-written policies. */
class NetworkPolicyEvaluatorTest {

    private static final Peer WEB = Peer.pod("web", "app", Map.of("role", "web"), Map.of("http", 8080));
    private static final Peer DB = Peer.pod("db", "app", Map.of("role", "db"), Map.of("pg", 5432));
    private static final Peer MONITOR = Peer.pod("monitor", "monitoring", Map.of("role", "prometheus"));
    private static final Peer OTHER_WEB = Peer.pod("web elsewhere", "other", Map.of("role", "web"));
    private static final Peer INTERNET = Peer.external("internet", "93.184.216.34");

    private static NetworkPolicyEvaluator policies(String yaml) {
        return new NetworkPolicyEvaluator(RenderedOverlay.parse(yaml).stream()
                .map(NetworkPolicy.class::cast).toList());
    }

    private static String policy(String name, String spec) {
        return "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: " + name + ", namespace: app}\nspec:\n"
                + spec.indent(2);
    }

    @Test
    void aPodNoPolicySelectsIsOpenAndAnEmptyPolicyIsolatesIt() {
        assertThat(policies(policy("none", "podSelector: {matchLabels: {role: nothing}}")).allows(WEB, DB, "TCP", 5432)).isTrue();
        var denied = policies(policy("deny", "podSelector: {}\npolicyTypes: [Ingress, Egress]"));
        assertThat(denied.allows(WEB, DB, "TCP", 5432)).isFalse();
        assertThat(denied.egressAllowed(WEB, INTERNET, "TCP", 443)).isFalse();
        assertThat(denied.allows(OTHER_WEB, MONITOR, "TCP", 9090)).as("other namespaces are not selected").isTrue();
    }

    @Test
    void omittedPolicyTypesMeanIngressPlusEgressOnlyWhenEgressRulesExist() {
        var ingressOnly = policies(policy("ingress", "podSelector: {}"));
        assertThat(ingressOnly.egressAllowed(WEB, INTERNET, "TCP", 443)).isTrue();
        assertThat(ingressOnly.ingressAllowed(WEB, DB, "TCP", 5432)).isFalse();
        var withEgress = policies(policy("egress", "podSelector: {}\negress:\n  - ports: [{port: 53, protocol: UDP}]"));
        assertThat(withEgress.egressAllowed(WEB, INTERNET, "UDP", 53)).isTrue();
        assertThat(withEgress.egressAllowed(WEB, INTERNET, "TCP", 443)).isFalse();
    }

    @Test
    void aNamespaceAndPodSelectorInOnePeerMustBothMatchButTwoPeersAreAlternatives() {
        String and = "podSelector: {matchLabels: {role: db}}\ningress:\n  - from:\n"
                + "      - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: monitoring}}\n"
                + "        podSelector: {matchLabels: {role: web}}\n";
        assertThat(policies(policy("and", and)).ingressAllowed(MONITOR, DB, "TCP", 5432)).isFalse();
        String or = "podSelector: {matchLabels: {role: db}}\ningress:\n  - from:\n"
                + "      - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: monitoring}}\n"
                + "      - podSelector: {matchLabels: {role: web}}\n";
        var either = policies(policy("or", or));
        assertThat(either.ingressAllowed(MONITOR, DB, "TCP", 5432)).isTrue();
        assertThat(either.ingressAllowed(WEB, DB, "TCP", 5432)).isTrue();
        assertThat(either.ingressAllowed(OTHER_WEB, DB, "TCP", 5432)).as("a podSelector alone means the policy's namespace").isFalse();
    }

    @Test
    void namedPortsResolveAgainstTheDestinationAndRangesIncludeTheirEnd() {
        var named = policies(policy("named", "podSelector: {}\npolicyTypes: [Egress]\negress:\n  - ports: [{port: pg}]"));
        assertThat(named.egressAllowed(WEB, DB, "TCP", 5432)).isTrue();
        assertThat(named.egressAllowed(WEB, DB, "TCP", 5433)).isFalse();
        assertThat(named.egressAllowed(WEB, INTERNET, "TCP", 5432)).as("an address has no named ports").isFalse();
        var range = policies(policy("range", "podSelector: {}\npolicyTypes: [Egress]\negress:\n  - ports: [{port: 8000, endPort: 8008}]"));
        assertThat(range.egressAllowed(WEB, INTERNET, "TCP", 8008)).isTrue();
        assertThat(range.egressAllowed(WEB, INTERNET, "TCP", 8009)).isFalse();
        assertThat(range.egressAllowed(WEB, INTERNET, "UDP", 8008)).as("the protocol defaults to TCP").isFalse();
    }

    @Test
    void ipBlocksMatchAddressesInsideTheirCidrButNotInItsExceptionsNorPods() {
        String spec = "podSelector: {}\npolicyTypes: [Egress]\negress:\n  - to:\n"
                + "      - ipBlock: {cidr: 93.184.216.0/24, except: [93.184.216.0/28]}\n";
        var blocks = policies(policy("blocks", spec));
        assertThat(blocks.egressAllowed(WEB, INTERNET, "TCP", 443)).isTrue();
        assertThat(blocks.egressAllowed(WEB, Peer.external("excepted", "93.184.216.5"), "TCP", 443)).isFalse();
        assertThat(blocks.egressAllowed(WEB, Peer.external("outside", "93.184.217.34"), "TCP", 443)).isFalse();
        assertThat(blocks.egressAllowed(WEB, DB, "TCP", 443)).isFalse();
        assertThat(NetworkPolicyEvaluator.inCidr("0.0.0.0/0", "1.2.3.4")).isTrue();
        assertThat(NetworkPolicyEvaluator.inCidr("169.254.20.10/32", "169.254.20.11")).isFalse();
    }

    @Test
    void matchExpressionsSelectByOperator() {
        String spec = "podSelector:\n  matchExpressions:\n    - {key: role, operator: In, values: [db]}\n"
                + "    - {key: tier, operator: DoesNotExist}\npolicyTypes: [Ingress]\n";
        var selected = policies(policy("expressions", spec));
        assertThat(selected.ingressAllowed(WEB, DB, "TCP", 5432)).isFalse();
        assertThat(selected.ingressAllowed(DB, WEB, "TCP", 8080)).isTrue();
        Peer tiered = Peer.pod("tiered db", "app", Map.of("role", "db", "tier", "gold"));
        assertThat(selected.ingressAllowed(WEB, tiered, "TCP", 5432)).isTrue();
    }
}
