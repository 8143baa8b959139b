package io.nais.pg.access.gateway;

import io.nais.pg.access.directory.AccessDirectory.ClusterEndpoint;
import io.nais.pg.access.gateway.audit.StatementAudit;
import io.nais.pg.access.gateway.auth.Authoriser;
import io.nais.pg.access.gateway.auth.LoginRefused;
import io.nais.pg.access.gateway.auth.TokenVerifier;
import io.nais.pg.access.gateway.auth.VerifiedToken;
import io.nais.pg.access.gateway.protocol.SqlState;
import io.nais.pg.access.gateway.session.Session;
import io.nais.pg.access.gateway.session.SessionRegistry;
import io.nais.pg.kit.logging.LogContext;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Phases 2 and 3 of a login (see package-info), off the event loop because they may block: verify the token,
 * find the cluster, make sure the session can be audited, authorise the person and take one of their session
 * places. A refusal carries what was established before it, and nothing more.
 */
final class LoginCheck {

    private final TokenVerifier tokens;
    private final Authoriser authoriser;
    private final StatementAudit audit;
    private final SessionRegistry sessions;
    private final Clock clock;
    private final Executor blocking;

    /** @param blocking runs the checks (token, directory); never an event loop */
    LoginCheck(TokenVerifier tokens, Authoriser authoriser, StatementAudit audit, SessionRegistry sessions, Clock clock,
               Executor blocking) {
        this.tokens = tokens;
        this.authoriser = authoriser;
        this.audit = audit;
        this.sessions = sessions;
        this.clock = clock;
        this.blocking = blocking;
    }

    /**
     * @param verifiedEmail the token's identity, once verified (null: the refusal came before)
     * @param knownCluster  the requested cluster, once the directory knew it
     */
    record LoginOutcome(Session.Login login, Authoriser.Decision decision, LoginRefused refusal,
                        String verifiedEmail, String knownCluster) {

        static LoginOutcome permitted(Session.Login login, Authoriser.Decision decision) {
            return new LoginOutcome(login, decision, null, login.email(), login.clusterId());
        }

        static LoginOutcome refused(LoginRefused refusal, String verifiedEmail, String knownCluster) {
            return new LoginOutcome(null, null, refusal, verifiedEmail, knownCluster);
        }
    }

    /**
     * The login's outcome, on a blocking thread; a permitted one holds a session place of the person.
     *
     * @param readOnlyAsked the client asked for a read-only session ({@code user=<email>/ro})
     */
    CompletableFuture<LoginOutcome> check(String token, String email, boolean readOnlyAsked, String clusterId,
                                          String clientAddress) {
        return CompletableFuture.supplyAsync(() -> login(token, email, readOnlyAsked, clusterId, clientAddress), blocking);
    }

    private LoginOutcome login(String token, String email, boolean readOnlyAsked, String clusterId,
                               String clientAddress) {
        String person = null;
        String knownCluster = null;
        try (LogContext log = LogContext.open().cluster(clusterId).person(email)) {
            VerifiedToken verified = tokens.verify(token, email);
            person = verified.identity();
            ClusterEndpoint cluster = authoriser.cluster(clusterId);
            knownCluster = cluster.clusterId();
            requireAudit(clusterId);
            Authoriser.Decision decision = authorise(cluster, person, readOnlyAsked);
            return LoginOutcome.permitted(new Session.Login(person, clusterId, clientAddress, decision.grantId(),
                    verified.expiresAt(), decision.level()), decision);
        } catch (LoginRefused refused) {
            return LoginOutcome.refused(refused, person, knownCluster);
        }
    }

    /**
     * Under the refuse-new-sessions policy a full audit spool (Kafka away for long)
     * keeps new sessions out of audited clusters: nobody starts work that would go
     * unrecorded. Open sessions go on; their statements beyond the spool are counted
     * as dropped.
     */
    private void requireAudit(String clusterId) throws LoginRefused {
        if (!audit.acceptsNewSessions(clusterId)) {
            throw new LoginRefused(SqlState.CANNOT_CONNECT_NOW, "audit-unavailable",
                    "statement audit cannot record new sessions right now (audit spool full while Kafka is"
                            + " unavailable); try again later");
        }
    }

    /**
     * Phase 3: is the person allowed on this cluster (member or active DBA grant), at which level, and within their
     * session limit.
     */
    private Authoriser.Decision authorise(ClusterEndpoint cluster, String email, boolean readOnlyAsked)
            throws LoginRefused {
        Authoriser.Decision decision = authoriser.authorise(cluster, email, readOnlyAsked, clock.instant());
        if (!sessions.reserve(email)) {
            throw new LoginRefused(SqlState.TOO_MANY_CONNECTIONS, "too-many-sessions",
                    "too many open sessions for user \"" + email + "\" through this gateway");
        }
        return decision;
    }
}
