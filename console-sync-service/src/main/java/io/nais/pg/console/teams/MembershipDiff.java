package io.nais.pg.console.teams;

import java.util.Set;
import java.util.TreeSet;

/**
 * The Teams API's answer against what the bridge last emitted. Pure.
 *
 * <p>The guard: an empty answer for a team that had members, or one that
 * removes more than {@code maxRemovedFraction} of them, is {@link #refused()}:
 * far more likely a broken directory than a team dissolving, and a mass
 * removal would drop every role and end every session of the team.
 */
public record MembershipDiff(Set<String> added, Set<String> removed, boolean refused) {

    public static MembershipDiff between(Set<String> known, Set<String> fetched, double maxRemovedFraction) {
        Set<String> added = new TreeSet<>(fetched);
        added.removeAll(known);
        Set<String> removed = new TreeSet<>(known);
        removed.removeAll(fetched);
        boolean emptied = !known.isEmpty() && fetched.isEmpty();
        boolean tooMany = !known.isEmpty() && (double) removed.size() / known.size() > maxRemovedFraction;
        if (emptied || tooMany) {
            return new MembershipDiff(Set.of(), Set.of(), true);
        }
        return new MembershipDiff(added, removed, false);
    }

    public boolean isEmpty() {
        return added.isEmpty() && removed.isEmpty();
    }
}
