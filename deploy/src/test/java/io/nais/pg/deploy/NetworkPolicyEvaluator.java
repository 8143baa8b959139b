package io.nais.pg.deploy;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.networking.v1.IPBlock;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Decides whether NetworkPolicies (networking.k8s.io/v1) admit a connection, following the API's
 * semantics: a pod is isolated in a direction once any policy of its namespace selects it with that
 * policy type, and then a connection passes only if some rule of such a policy admits it. A flow
 * needs both the source's egress and the destination's ingress. Peers: podSelector (the policy's
 * namespace), namespaceSelector, both together (AND), ipBlock with except; ports by number, range
 * (endPort) or name, where a name resolves against the destination pod's container ports; omitted
 * policyTypes mean Ingress, plus Egress when the policy has egress rules.
 *
 * <p>Pods carry no address here, so ipBlocks match only external peers: CNIs differ in whether
 * ipBlocks match pod IPs, and no flow of the platform depends on it.
 */
final class NetworkPolicyEvaluator {

    private static final String TCP = "TCP";

    private final List<NetworkPolicy> policies;

    NetworkPolicyEvaluator(List<NetworkPolicy> policies) {
        this.policies = policies;
    }

    boolean allows(Peer from, Peer to, String protocol, int port) {
        return egressAllowed(from, to, protocol, port) && ingressAllowed(from, to, protocol, port);
    }

    boolean egressAllowed(Peer from, Peer to, String protocol, int port) {
        if (!from.isPod()) {
            return true;
        }
        List<NetworkPolicy> isolating = selecting(from, "Egress");
        return isolating.isEmpty() || isolating.stream().anyMatch(policy -> policy.getSpec().getEgress() != null
                && policy.getSpec().getEgress().stream().anyMatch(rule -> anyPeer(policy, rule.getTo(), to)
                        && anyPort(rule.getPorts(), to, protocol, port)));
    }

    boolean ingressAllowed(Peer from, Peer to, String protocol, int port) {
        if (!to.isPod()) {
            return true;
        }
        List<NetworkPolicy> isolating = selecting(to, "Ingress");
        return isolating.isEmpty() || isolating.stream().anyMatch(policy -> policy.getSpec().getIngress() != null
                && policy.getSpec().getIngress().stream().anyMatch(rule -> anyPeer(policy, rule.getFrom(), from)
                        && anyPort(rule.getPorts(), to, protocol, port)));
    }

    private List<NetworkPolicy> selecting(Peer pod, String policyType) {
        return policies.stream()
                .filter(policy -> pod.namespace().equals(policy.getMetadata().getNamespace()))
                .filter(policy -> policyTypes(policy).contains(policyType))
                .filter(policy -> matches(policy.getSpec().getPodSelector(), pod.labels()))
                .toList();
    }

    static List<String> policyTypes(NetworkPolicy policy) {
        List<String> declared = policy.getSpec().getPolicyTypes();
        if (declared != null && !declared.isEmpty()) {
            return declared;
        }
        boolean egress = policy.getSpec().getEgress() != null && !policy.getSpec().getEgress().isEmpty();
        return egress ? List.of("Ingress", "Egress") : List.of("Ingress");
    }

    /** No peers: every source or destination. */
    private static boolean anyPeer(NetworkPolicy policy, List<NetworkPolicyPeer> peers, Peer other) {
        return peers == null || peers.isEmpty() || peers.stream().anyMatch(peer -> matches(policy, peer, other));
    }

    private static boolean matches(NetworkPolicy policy, NetworkPolicyPeer peer, Peer other) {
        if (peer.getIpBlock() != null) {
            return other.ip() != null && inBlock(peer.getIpBlock(), other.ip());
        }
        if (!other.isPod()) {
            return false;
        }
        boolean namespace = peer.getNamespaceSelector() == null
                ? other.namespace().equals(policy.getMetadata().getNamespace())
                : matches(peer.getNamespaceSelector(), other.namespaceLabels());
        boolean pod = peer.getPodSelector() == null || matches(peer.getPodSelector(), other.labels());
        return namespace && pod;
    }

    /** No ports: every port of every protocol. */
    private static boolean anyPort(List<NetworkPolicyPort> ports, Peer destination, String protocol, int port) {
        return ports == null || ports.isEmpty() || ports.stream().anyMatch(p -> matches(p, destination, protocol, port));
    }

    private static boolean matches(NetworkPolicyPort rule, Peer destination, String protocol, int port) {
        if (!Optional.ofNullable(rule.getProtocol()).orElse(TCP).equals(protocol)) {
            return false;
        }
        IntOrString declared = rule.getPort();
        if (declared == null) {
            return true;
        }
        if (declared.getStrVal() != null) {
            Integer named = destination.namedPorts().get(declared.getStrVal());
            return named != null && named == port;
        }
        int first = declared.getIntVal();
        int last = rule.getEndPort() == null ? first : rule.getEndPort();
        return first <= port && port <= last;
    }

    /** An empty selector matches everything; matchLabels and matchExpressions must all hold. */
    static boolean matches(LabelSelector selector, Map<String, String> labels) {
        Map<String, String> required = Optional.ofNullable(selector.getMatchLabels()).orElse(Map.of());
        boolean labelsMatch = required.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
        List<LabelSelectorRequirement> expressions = Optional.ofNullable(selector.getMatchExpressions()).orElse(List.of());
        return labelsMatch && expressions.stream().allMatch(e -> holds(e, labels));
    }

    private static boolean holds(LabelSelectorRequirement requirement, Map<String, String> labels) {
        String value = labels.get(requirement.getKey());
        List<String> values = Optional.ofNullable(requirement.getValues()).orElse(List.of());
        return switch (requirement.getOperator()) {
            case "In" -> value != null && values.contains(value);
            case "NotIn" -> value == null || !values.contains(value);
            case "Exists" -> value != null;
            case "DoesNotExist" -> value == null;
            default -> throw new AssertionError("unknown selector operator " + requirement.getOperator());
        };
    }

    private static boolean inBlock(IPBlock block, String ip) {
        return inCidr(block.getCidr(), ip)
                && Optional.ofNullable(block.getExcept()).orElse(List.of()).stream().noneMatch(except -> inCidr(except, ip));
    }

    static boolean inCidr(String cidr, String ip) {
        String[] parts = cidr.split("/");
        byte[] network = address(parts[0]);
        byte[] candidate = address(ip);
        if (network.length != candidate.length) {
            return false;
        }
        int bits = network.length * 8;
        int prefix = Integer.parseInt(parts[1]);
        BigInteger mask = BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE)
                .xor(BigInteger.ONE.shiftLeft(bits - prefix).subtract(BigInteger.ONE));
        return new BigInteger(1, network).and(mask).equals(new BigInteger(1, candidate).and(mask));
    }

    /** A literal address only (no name lookup happens for a numeric literal). */
    private static byte[] address(String literal) {
        try {
            return InetAddress.getByName(literal).getAddress();
        } catch (UnknownHostException e) {
            throw new AssertionError("not an IP literal: " + literal, e);
        }
    }
}
