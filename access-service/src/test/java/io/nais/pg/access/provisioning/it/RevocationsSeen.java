package io.nais.pg.access.provisioning.it;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.nais.pg.access.directory.AccessRevoked;

/** Records the AccessRevoked events the gateway would observe. */
@ApplicationScoped
public class RevocationsSeen {

    private final List<AccessRevoked> seen = new CopyOnWriteArrayList<>();

    void on(@Observes AccessRevoked revoked) {
        seen.add(revoked);
    }

    public List<AccessRevoked> all() {
        return List.copyOf(seen);
    }
}
