package io.nais.pg.access.gateway;

import io.nais.pg.access.gateway.session.Session;
import io.nais.pg.access.gateway.session.SessionEvents;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** The events seam for gateway tests: what would go to the outbox (proven there by its own tests). */
final class RecordedEvents implements SessionEvents {

    record Closed(Session session, String reason, Instant closedAt, long bytesFromClient, long bytesToClient) {
    }

    final List<Session> opened = new CopyOnWriteArrayList<>();
    final List<Closed> closed = new CopyOnWriteArrayList<>();
    final List<LoginDenial> denied = new CopyOnWriteArrayList<>();
    final List<UnauthenticatedRefusal> unauthenticated = new CopyOnWriteArrayList<>();

    @Override
    public void opened(Session session) {
        opened.add(session);
    }

    @Override
    public void closed(Session session, String reason, Instant closedAt) {
        closed.add(new Closed(session, reason, closedAt, session.bytesFromClient(), session.bytesToClient()));
    }

    @Override
    public void loginDenied(LoginDenial denial) {
        denied.add(denial);
    }

    @Override
    public void unauthenticatedRefused(UnauthenticatedRefusal refusal) {
        unauthenticated.add(refusal);
    }
}
