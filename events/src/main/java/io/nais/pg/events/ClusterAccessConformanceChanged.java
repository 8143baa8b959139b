package io.nais.pg.events;

import java.util.List;

/**
 * access-service checked how people can log in to a cluster ({@code pg_hba_file_rules}) and the verdict
 * differs from the last one it reported (or it is the first): {@code conforming} when people get in only by
 * the gateway's {@code cert} line, otherwise {@code findings} names each line that would let a person in
 * another way (e.g. with a password they set on their own role). Key: the cluster id.
 */
public record ClusterAccessConformanceChanged(String clusterId, String team, boolean conforming,
        List<String> findings) implements PlatformEvent {

    public ClusterAccessConformanceChanged {
        Require.clusterId(clusterId, "ClusterAccessConformanceChanged.clusterId");
        Require.text(team, "ClusterAccessConformanceChanged.team");
        findings = Require.texts(findings, "ClusterAccessConformanceChanged.findings");
        if (conforming != findings.isEmpty()) {
            throw new IllegalArgumentException(
                    "ClusterAccessConformanceChanged.findings must be empty exactly when conforming");
        }
    }

    @Override
    public String aggregateId() {
        return clusterId;
    }
}
