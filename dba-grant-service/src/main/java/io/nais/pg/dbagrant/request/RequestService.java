package io.nais.pg.dbagrant.request;

import java.time.Duration;
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
import io.nais.pg.dbagrant.projection.TeamDirectory;
import io.nais.pg.events.DbaAccessDenied;
import io.nais.pg.events.DbaAccessRequested;
import io.nais.pg.events.Envelope;
import io.nais.pg.kit.outbox.Outbox;

/**
 * Files DBA access requests, from the API (a verified token) or from a
 * DbaAccessRequested event someone else published.
 */
@ApplicationScoped
public class RequestService {

    private static final Logger LOG = Logger.getLogger(RequestService.class);

    private final GrantStore grants;
    private final TeamDirectory directory;
    private final Outbox outbox;
    private final GrantRules rules;
    private final String serviceIdentity;

    RequestService(GrantStore grants, TeamDirectory directory, Outbox outbox, DbaGrantConfig config) {
        this.grants = grants;
        this.directory = directory;
        this.outbox = outbox;
        this.rules = config.rules();
        this.serviceIdentity = config.serviceIdentity();
    }

    /** A request through the API: the rules, the owning team, the row and the event, in one transaction. */
    @Transactional
    public Grant request(Caller caller, String clusterId, String reason, Duration duration) {
        rules.checkRequest(caller.email(), caller.groups(), reason, duration);
        String team = owningTeam(clusterId);
        Grant grant = new Grant(UUID.randomUUID(), clusterId, team, caller.email(), reason.strip(), duration,
                GrantState.REQUESTED, null, Instant.now(), null, null);
        grants.insert(grant);
        outbox.publish(Envelope.of(Producer.NAME, new DbaAccessRequested(grant.grantId(), clusterId, team,
                caller.email(), grant.reason(), duration)));
        LOG.infof("grant %s requested by %s on %s for %s", grant.grantId(), caller.email(), clusterId, duration);
        return grant;
    }

    /**
     * A request that arrived as an event. The event is already on the topic, so
     * only the row is added; a request that breaks a rule is stored and denied
     * at once with the rule's message, so the requester hears why. Our own
     * echoes (the grant exists) are skipped. The DBA group cannot be checked
     * here: an event carries no token, so the topic's write ACL is the guard.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void requested(Envelope<DbaAccessRequested> envelope) {
        DbaAccessRequested event = envelope.data();
        if (grants.find(event.grantId()).isPresent()) {
            return;
        }
        String team = directory.teamOf(event.clusterId()).orElse(event.team());
        Grant grant = new Grant(event.grantId(), event.clusterId(), team, event.requester(), event.reason(),
                event.duration(), GrantState.REQUESTED, null, envelope.metadata().time(), null, null);
        grants.insert(grant);
        try {
            rules.checkRequestContent(event.reason(), event.duration());
            owningTeam(event.clusterId());
        } catch (Refusal refusal) {
            grants.decide(grant.grantId(), GrantState.REQUESTED, GrantState.DENIED, serviceIdentity, null, null);
            outbox.publish(envelope.follow(Producer.NAME, new DbaAccessDenied(grant.grantId(), grant.clusterId(),
                    team, grant.requester(), serviceIdentity, refusal.getMessage())));
            LOG.infof("grant %s from an event refused: %s", grant.grantId(), refusal.rule());
        }
    }

    private String owningTeam(String clusterId) {
        return directory.teamOf(clusterId).orElseThrow(() -> new Refusal(Refusal.Kind.NOT_FOUND, "unknown-cluster",
                "cluster " + clusterId + " is not known"));
    }
}
