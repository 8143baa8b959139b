package io.nais.pg.dbagrant.approval;

import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.jboss.logging.Logger;

import io.nais.pg.dbagrant.DbaGrantConfig;
import io.nais.pg.dbagrant.model.Caller;
import io.nais.pg.dbagrant.model.Grant;
import io.nais.pg.dbagrant.model.GrantRules;
import io.nais.pg.dbagrant.model.GrantState;
import io.nais.pg.dbagrant.model.Refusal;
import io.nais.pg.dbagrant.request.GrantStore;
import io.nais.pg.dbagrant.request.Producer;
import io.nais.pg.events.DbaAccessDenied;
import io.nais.pg.events.DbaAccessGranted;
import io.nais.pg.events.Envelope;
import io.nais.pg.events.GrantRevoked;
import io.nais.pg.kit.logging.LogContext;
import io.nais.pg.kit.membership.MembershipProjection;
import io.nais.pg.kit.outbox.Outbox;

/**
 * Approve, deny and revoke. Each locks the grant row, checks the rules against
 * the locked state and the membership projection, changes the row and queues
 * the event in one transaction, so two deciders racing on one request cannot
 * both succeed.
 */
@ApplicationScoped
public class DecisionService {

    private static final Logger LOG = Logger.getLogger(DecisionService.class);

    private final GrantStore grants;
    private final MembershipProjection members;
    private final Outbox outbox;
    private final GrantRules rules;

    DecisionService(GrantStore grants, MembershipProjection members, Outbox outbox, DbaGrantConfig config) {
        this.grants = grants;
        this.members = members;
        this.outbox = outbox;
        this.rules = config.rules();
    }

    @Transactional
    public Grant approve(Caller approver, UUID grantId) {
        Grant grant = lock(grantId);
        Instant now = Instant.now();
        rules.checkDecision(grant, approver.email(), members.isMember(grant.team(), approver.email()), now);
        Instant expiresAt = now.plus(grant.duration());
        grants.decide(grantId, GrantState.REQUESTED, GrantState.GRANTED, approver.email(), now, expiresAt);
        outbox.publish(Envelope.of(Producer.NAME, new DbaAccessGranted(grantId, grant.clusterId(), grant.team(),
                grant.requester(), approver.email(), now, expiresAt)));
        log(grant, "granted by " + approver.email() + " until " + expiresAt);
        return reread(grantId);
    }

    @Transactional
    public Grant deny(Caller decider, UUID grantId, String reason) {
        Grant grant = lock(grantId);
        rules.checkDecision(grant, decider.email(), members.isMember(grant.team(), decider.email()), Instant.now());
        String why = requireReason(reason);
        grants.decide(grantId, GrantState.REQUESTED, GrantState.DENIED, decider.email(), null, null);
        outbox.publish(Envelope.of(Producer.NAME, new DbaAccessDenied(grantId, grant.clusterId(), grant.team(),
                grant.requester(), decider.email(), why)));
        log(grant, "denied by " + decider.email());
        return reread(grantId);
    }

    @Transactional
    public Grant revoke(Caller revoker, UUID grantId, String reason) {
        Grant grant = lock(grantId);
        rules.checkRevoke(grant, revoker.email(), members.isMember(grant.team(), revoker.email()));
        String why = reason == null || reason.isBlank() ? "revoked before expiry" : reason.strip();
        grants.decide(grantId, GrantState.GRANTED, GrantState.REVOKED, null, null, null);
        outbox.publish(Envelope.of(Producer.NAME, new GrantRevoked(grantId, grant.clusterId(), grant.team(),
                grant.requester(), revoker.email(), why)));
        log(grant, "revoked by " + revoker.email());
        return reread(grantId);
    }

    private Grant lock(UUID grantId) {
        return grants.lock(grantId).orElseThrow(() -> notFound(grantId));
    }

    private Grant reread(UUID grantId) {
        return grants.find(grantId).orElseThrow(() -> notFound(grantId));
    }

    private static String requireReason(String reason) {
        if (reason == null || reason.isBlank()) {
            throw new Refusal(Refusal.Kind.INVALID, "reason-required", "a reason is required to deny a request");
        }
        return reason.strip();
    }

    private static Refusal notFound(UUID grantId) {
        return new Refusal(Refusal.Kind.NOT_FOUND, "unknown-grant", "grant " + grantId + " does not exist");
    }

    private static void log(Grant grant, String what) {
        try (LogContext log = LogContext.open().team(grant.team()).cluster(grant.clusterId())
                .grant(grant.grantId().toString())) {
            LOG.infof("grant %s %s", grant.grantId(), what);
        }
    }
}
