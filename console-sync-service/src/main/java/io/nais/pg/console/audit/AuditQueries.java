package io.nais.pg.console.audit;

import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

import io.nais.pg.console.jdbc.Jdbc;

/** The read side of the audit store: keyset-paged queries for the API, CLI and page. */
@ApplicationScoped
public class AuditQueries {

    private final Jdbc jdbc;

    AuditQueries(DataSource dataSource) {
        this.jdbc = new Jdbc(dataSource);
    }

    /** Up to {@code size} lines matching the query after the cursor (null: from the newest), newest first. */
    public AuditPage page(AuditQuery query, AuditCursor after, int size) {
        List<String> conditions = new ArrayList<>();
        List<Object> args = new ArrayList<>();
        if (query.visibleTeams() != null) {
            conditions.add("team = ANY (?)");
            args.add(query.visibleTeams().toArray(String[]::new));
        }
        filter(conditions, args, "team = ?", query.team());
        filter(conditions, args, "person = ?", query.person());
        filter(conditions, args, "cluster_id = ?", query.clusterId());
        filter(conditions, args, "occurred_at >= ?", query.from());
        filter(conditions, args, "occurred_at < ?", query.to());
        filter(conditions, args, "kind = ?", query.kind());
        if (after != null) {
            conditions.add("(occurred_at, id) < (?, ?)");
            args.add(after.time());
            args.add(after.id());
        }
        String where = conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
        args.add(size + 1);
        List<AuditEntry> rows = jdbc.query(AuditRows.COLUMNS + where + " ORDER BY occurred_at DESC, id DESC LIMIT ?",
                AuditRows::entry, args.toArray());
        if (rows.size() <= size) {
            return new AuditPage(rows, null);
        }
        List<AuditEntry> items = rows.subList(0, size);
        return new AuditPage(List.copyOf(items), AuditCursor.after(items.get(size - 1)).encode());
    }

    /** The cluster's newest lines, of the given kinds only when {@code kinds} is not empty. */
    public List<AuditEntry> recent(String clusterId, List<String> kinds, int limit) {
        if (kinds.isEmpty()) {
            return jdbc.query(AuditRows.COLUMNS + " WHERE cluster_id = ? ORDER BY occurred_at DESC, id DESC LIMIT ?",
                    AuditRows::entry, clusterId, limit);
        }
        return jdbc.query(AuditRows.COLUMNS + " WHERE cluster_id = ? AND kind = ANY (?) ORDER BY occurred_at DESC, "
                + "id DESC LIMIT ?", AuditRows::entry, clusterId, kinds.toArray(String[]::new), limit);
    }

    private static void filter(List<String> conditions, List<Object> args, String condition, Object value) {
        if (value != null) {
            conditions.add(condition);
            args.add(value);
        }
    }
}
