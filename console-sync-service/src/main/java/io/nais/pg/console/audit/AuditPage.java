package io.nais.pg.console.audit;

import java.util.List;

/** One page of audit lines, newest first; {@code nextCursor} is null on the last page. */
public record AuditPage(List<AuditEntry> items, String nextCursor) {
}
