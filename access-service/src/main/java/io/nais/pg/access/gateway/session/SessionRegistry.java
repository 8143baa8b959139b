package io.nais.pg.access.gateway.session;

import io.nais.pg.access.gateway.protocol.CancelKey;
import java.security.SecureRandom;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The live sessions of this gateway replica, by the cancel key the gateway handed
 * out, plus a count per person for the per-person limit.
 *
 * <p>The gateway gives each client a random key of its own and keeps the backend's
 * key here: a client can only cancel through a key it was given, and backend keys
 * never leave the gateway.
 */
public final class SessionRegistry {

    private final SecureRandom random = new SecureRandom();
    private final ConcurrentMap<CancelKey, Session> byKey = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Integer> perPerson = new ConcurrentHashMap<>();
    private final int maxPerPerson;

    public SessionRegistry(int maxPerPerson) {
        this.maxPerPerson = maxPerPerson;
    }

    /** Takes one of the person's places; false when they already hold the maximum. */
    public boolean reserve(String email) {
        boolean[] granted = {false};
        perPerson.compute(email, (k, n) -> {
            int current = n == null ? 0 : n;
            if (current >= maxPerPerson) {
                return n;
            }
            granted[0] = true;
            return current + 1;
        });
        return granted[0];
    }

    /** Gives back a place taken by {@link #reserve}. */
    public void release(String email) {
        perPerson.computeIfPresent(email, (k, n) -> n <= 1 ? null : n - 1);
    }

    /** A fresh key no live session uses; process ids stay positive as PostgreSQL's do. */
    public CancelKey newKey() {
        while (true) {
            CancelKey key = new CancelKey(random.nextInt(Integer.MAX_VALUE - 1) + 1, random.nextInt());
            if (!byKey.containsKey(key)) {
                return key;
            }
        }
    }

    public void add(Session session) {
        byKey.put(session.gatewayKey(), session);
    }

    /** Removes the session and gives back its person's place; true only the first time. */
    public boolean remove(Session session) {
        if (byKey.remove(session.gatewayKey(), session)) {
            release(session.email());
            return true;
        }
        return false;
    }

    public Optional<Session> byCancelKey(CancelKey key) {
        return Optional.ofNullable(byKey.get(key));
    }

    public List<Session> of(String clusterId, String email) {
        return byKey.values().stream()
                .filter(s -> s.clusterId().equals(clusterId) && s.email().equals(email))
                .toList();
    }

    public Collection<Session> all() {
        return List.copyOf(byKey.values());
    }

    public int size() {
        return byKey.size();
    }
}
