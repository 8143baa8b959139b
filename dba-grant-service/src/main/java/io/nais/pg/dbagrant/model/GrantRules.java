package io.nais.pg.dbagrant.model;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;

/**
 * The rules of DBA access, free of I/O: who may ask, what may be asked, who
 * may decide and when. Each breach is a {@link Refusal} naming the rule.
 *
 * @param dbaGroup    the group claim a requester must hold
 * @param maxDuration the longest grant that may be asked for
 * @param pendingTtl  how long a request stays approvable unanswered
 */
public record GrantRules(String dbaGroup, Duration maxDuration, Duration pendingTtl) {

    public static final int MIN_REASON_LENGTH = 10;

    /** A request from a person whose token carries {@code groups}. */
    public void checkRequest(String requester, Collection<String> groups, String reason, Duration duration) {
        checkDbaGroup(requester, groups);
        checkRequestContent(reason, duration);
    }

    /** What any request must satisfy, however it arrived (REST or event). */
    public void checkRequestContent(String reason, Duration duration) {
        if (reason == null || reason.strip().length() < MIN_REASON_LENGTH) {
            throw new Refusal(Refusal.Kind.INVALID, "reason-too-short",
                    "a reason of at least " + MIN_REASON_LENGTH + " characters is required");
        }
        if (duration == null || duration.isNegative() || duration.isZero()) {
            throw new Refusal(Refusal.Kind.INVALID, "duration-not-positive", "duration must be positive");
        }
        if (duration.compareTo(maxDuration) > 0) {
            throw new Refusal(Refusal.Kind.INVALID, "duration-too-long",
                    "duration " + duration + " exceeds the maximum of " + maxDuration);
        }
    }

    /** Approve or deny: a member of the owning team, never the requester, while the request is open. */
    public void checkDecision(Grant grant, String decider, boolean deciderIsTeamMember, Instant now) {
        if (grant.requester().equalsIgnoreCase(decider)) {
            throw new Refusal(Refusal.Kind.FORBIDDEN, "self-approval",
                    "the requester cannot approve or deny their own request");
        }
        if (!deciderIsTeamMember) {
            throw new Refusal(Refusal.Kind.FORBIDDEN, "not-team-member",
                    "only a member of team " + grant.team() + " may approve or deny access to " + grant.clusterId());
        }
        if (grant.state().isDecided()) {
            throw new Refusal(Refusal.Kind.CONFLICT, "already-decided",
                    "grant " + grant.grantId() + " is " + grant.state() + ", not open for a decision");
        }
        if (!now.isBefore(grant.pendingUntil(pendingTtl))) {
            throw new Refusal(Refusal.Kind.CONFLICT, "request-expired",
                    "grant " + grant.grantId() + " expired unanswered after " + pendingTtl);
        }
    }

    /** Revoke: the requester or a member of the owning team, while the grant is active. */
    public void checkRevoke(Grant grant, String revoker, boolean revokerIsTeamMember) {
        if (!grant.requester().equalsIgnoreCase(revoker) && !revokerIsTeamMember) {
            throw new Refusal(Refusal.Kind.FORBIDDEN, "not-team-member",
                    "only the requester or a member of team " + grant.team() + " may revoke this grant");
        }
        if (grant.state() != GrantState.GRANTED) {
            throw new Refusal(Refusal.Kind.CONFLICT, "not-active",
                    "grant " + grant.grantId() + " is " + grant.state() + ", not active");
        }
    }

    private void checkDbaGroup(String requester, Collection<String> groups) {
        if (groups == null || !groups.contains(dbaGroup)) {
            throw new Refusal(Refusal.Kind.FORBIDDEN, "not-dba",
                    requester + " does not hold the DBA group '" + dbaGroup + "'");
        }
    }
}
