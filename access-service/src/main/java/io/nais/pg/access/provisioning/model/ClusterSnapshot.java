package io.nais.pg.access.provisioning.model;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a superuser could change in a cluster, as {@code pg_temp.nais_cluster_state} reads it: one item per
 * role, per-role setting, membership, pg_hba rule, setting from a configuration file ({@code ALTER SYSTEM} writes
 * {@code postgresql.auto.conf}), event trigger, extension, {@code SECURITY DEFINER} function and untrusted
 * language. Taken when a DBA grant begins and compared when it ends.
 */
public record ClusterSnapshot(Map<String, Item> items) {

    /**
     * @param detail what may be reported (attributes, owner, line number)
     * @param digest a digest of what may not (a password verifier, a setting's value, a function's body)
     */
    public record Item(String kind, String name, String detail, String digest) {

        String key() {
            return kind + ":" + name;
        }

        boolean loginRole() {
            return kind.equals("role") && detail.startsWith("LOGIN");
        }

        private String described() {
            return kind + " " + name + (detail.isEmpty() ? "" : " (" + detail + ")");
        }
    }

    public ClusterSnapshot {
        items = Map.copyOf(items);
    }

    public static ClusterSnapshot of(Collection<Item> items) {
        Map<String, Item> byKey = new LinkedHashMap<>();
        items.forEach(item -> byKey.put(item.key(), item));
        return new ClusterSnapshot(byKey);
    }

    /**
     * Every difference from {@code baseline}, in a stable order, naming what changed and never a value:
     * "added role stay_behind (LOGIN SUPERUSER)", "changed setting work_mem (postgresql.auto.conf)".
     */
    public List<String> differencesSince(ClusterSnapshot baseline) {
        List<String> differences = new ArrayList<>();
        for (Item now : sorted(items.values())) {
            Item before = baseline.items.get(now.key());
            if (before == null) {
                differences.add("added " + now.described());
            } else if (!before.detail().equals(now.detail())) {
                differences.add("changed " + now.kind() + " " + now.name() + ": " + before.detail() + " -> "
                        + now.detail());
            } else if (!before.digest().equals(now.digest())) {
                differences.add("changed " + now.kind() + " " + now.name()
                        + (now.kind().equals("role") ? ": password" : ": value or body"));
            }
        }
        for (Item before : sorted(baseline.items.values())) {
            if (!items.containsKey(before.key())) {
                differences.add("removed " + before.described());
            }
        }
        return differences;
    }

    /**
     * Roles that can log in now and could not at {@code baseline} (created since, or given LOGIN since),
     * except {@code known} ones.
     */
    public List<String> loginRolesGainedSince(ClusterSnapshot baseline, Set<String> known) {
        return sorted(items.values()).stream()
                .filter(item -> item.loginRole() && !known.contains(item.name()))
                .filter(item -> !(baseline.items.containsKey(item.key()) && baseline.items.get(item.key()).loginRole()))
                .map(Item::name).toList();
    }

    private static List<Item> sorted(Collection<Item> items) {
        return items.stream().sorted((a, b) -> a.key().compareTo(b.key())).toList();
    }
}
