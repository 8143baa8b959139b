package io.nais.pg.console.discovery;

import java.io.IOException;
import java.util.List;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * The local clusters file. YAML, and therefore also JSON (a subset of YAML):
 *
 * <pre>
 * clusters:
 *   - team: team-a
 *     app: demo-app
 *     host: 127.0.0.1
 *     port: 5432
 *     database: app
 *     applicationRole: app
 *     schemas: [public]
 *     adminSecretRef: file:/etc/nais/team-a-demo-app-admin.properties
 *     pgVersion: "15"
 * </pre>
 *
 * An unknown field fails the whole file, so a typo never silently drops a
 * cluster's setting.
 */
public final class ClusterFile {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    private ClusterFile() {
    }

    record Document(List<DesiredCluster> clusters) {
    }

    /** @throws IOException for a file that is not a valid clusters document */
    public static List<DesiredCluster> parse(byte[] content) throws IOException {
        Document document = YAML.readValue(content, Document.class);
        return document == null || document.clusters() == null ? List.of() : document.clusters();
    }
}
