package io.nais.pg.console.audit;

import java.time.Instant;
import java.util.List;

/**
 * Audit filters; a null field does not filter. {@code visibleTeams} null means
 * every team and the lines with no team (platform admins). {@code from} is
 * inclusive, {@code to} exclusive.
 */
public record AuditQuery(List<String> visibleTeams, String team, String person, String clusterId, Instant from,
                         Instant to, String kind) {
}
