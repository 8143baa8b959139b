package io.nais.pg.access.provisioning.pass;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.jboss.logging.Logger;

import io.nais.pg.access.AccessLevel;
import io.nais.pg.access.directory.ClusterTarget;
import io.nais.pg.access.directory.ClusterProjection;
import io.nais.pg.access.directory.DbaGrantProjection;
import io.nais.pg.access.provisioning.model.Backoff;
import io.nais.pg.access.provisioning.model.HumanRoleSpec;
import io.nais.pg.access.provisioning.model.ReconcileResult;
import io.nais.pg.access.provisioning.model.RoleOutcome;
import io.nais.pg.events.Emails;
import io.nais.pg.events.Envelope;
import io.nais.pg.events.HumanRoleProvisioned;
import io.nais.pg.events.HumanRoleRefused;
import io.nais.pg.events.HumanRoleRemoved;
import io.nais.pg.kit.logging.LogContext;
import io.nais.pg.kit.membership.MembershipProjection;
import io.nais.pg.kit.logging.PhaseTimings;
import io.nais.pg.kit.outbox.Outbox;
import io.nais.pg.kit.transaction.AfterCommit;
import io.nais.pg.access.provisioning.ProvisioningConfig;

/**
 * One pass of one cluster: claim its work, converge its roles, announce what
 * changed and clear the work, all in one transaction of the service database.
 * The cluster row stays locked for the pass, so replicas never work one cluster
 * at once; a failing cluster keeps its work and gets a later attempt.
 */
@ApplicationScoped
public class ClusterProvisioner {

    public static final String PRODUCER = "access-service";
    private static final Logger LOG = Logger.getLogger(ClusterProvisioner.class);

    private final ClusterProjection clusters;
    private final MembershipProjection members;
    private final ReconcileQueue queue;
    private final AdminSessions sessions;
    private final Outbox outbox;
    private final ProvisioningConfig config;
    private final DbaGrantProjection grants;
    private final LoginPathCheck loginPaths;
    private final DbaChangeWatch dbaChanges;
    private final ProvisioningMeters meters;
    private final AfterCommit afterCommit;

    ClusterProvisioner(ClusterProjection clusters, MembershipProjection members, ReconcileQueue queue,
                       AdminSessions sessions, Outbox outbox, ProvisioningConfig config, DbaGrantProjection grants,
                       LoginPathCheck loginPaths, DbaChangeWatch dbaChanges, ProvisioningMeters meters,
                       AfterCommit afterCommit) {
        this.meters = meters;
        this.afterCommit = afterCommit;
        this.grants = grants;
        this.loginPaths = loginPaths;
        this.dbaChanges = dbaChanges;
        this.clusters = clusters;
        this.members = members;
        this.queue = queue;
        this.sessions = sessions;
        this.outbox = outbox;
        this.config = config;
    }

    /** One pass; nothing when the cluster is gone, held by another replica, in backoff or without work. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void reconcile(String clusterId) {
        try (LogContext log = LogContext.open().cluster(clusterId)) {
            Optional<ClusterTarget> target = clusters.live(clusterId);
            if (target.isEmpty()) {
                queue.forget(clusterId);
                sessions.forget(clusterId);
                return;
            }
            PhaseTimings timings = new PhaseTimings();
            Optional<ReconcileQueue.Pending> work = timings.time("claim", () -> queue.claim(clusterId));
            if (work.isEmpty()) {
                return;
            }
            queue.markTried(clusterId, work.get());
            ProvisioningMeters.PassTimer passTimer = meters.startPass();
            try {
                pass(target.get(), work.get(), timings);
                passTimer.succeeded();
            } catch (SQLException e) {
                passTimer.failed();
                retryLater(clusterId, work.get(), e);
            }
        }
    }

    /** The claimed work: plan the roles, converge them on the cluster, announce the changes, clear the work. */
    private void pass(ClusterTarget cluster, ReconcileQueue.Pending work, PhaseTimings timings) throws SQLException {
        Map<String, HumanRoleSpec> desired = timings.time("plan", () -> desiredRoles(cluster, work));
        List<String> refused = refuseUnnameable(desired);
        List<RoleOutcome> outcomes = timings.time("cluster", () -> converge(cluster, desired, work));
        timings.run("announce", () -> announce(cluster, outcomes, refused, retriedRoles(desired, work)));
        timings.run("done", () -> queue.done(cluster.clusterId(), work));
        // phase times of a pass, to see what bounds throughput (bench: -Dbench.trace=true)
        LOG.debugf("pass over %d roles: %s", desired.size(), timings);
    }

    /**
     * Members and holders of an active DBA grant get their two login roles (the write one SUPERUSER while the
     * grant is active), everybody else marked dirty gets neither; a full resync covers the whole team and every
     * grantee. Keyed by role name.
     */
    private Map<String, HumanRoleSpec> desiredRoles(ClusterTarget cluster, ReconcileQueue.Pending work) {
        Map<String, HumanRoleSpec> desired = new LinkedHashMap<>();
        Set<String> current = new LinkedHashSet<>(members.members(cluster.team()));
        Set<String> dbas = grants.grantees(cluster.clusterId(), Instant.now());
        for (String email : work.emails()) {
            boolean wanted = current.contains(email) || dbas.contains(email);
            putPerson(desired, email, wanted, dbas.contains(email));
        }
        if (work.fullResync()) {
            current.forEach(email -> putPerson(desired, email, true, dbas.contains(email)));
            dbas.forEach(email -> putPerson(desired, email, true, true));
        }
        return desired;
    }

    /**
     * A person's write role ({@code <email>}, SUPERUSER with a DBA grant) and read-only role ({@code <email>/ro}):
     * both or neither. An identity that is itself a read-only role's name (no email is: a domain holds no
     * {@code /}) gets nothing, so it can never be given another person's read-only role as its write role.
     */
    private void putPerson(Map<String, HumanRoleSpec> desired, String email, boolean wanted, boolean superuser) {
        if (AccessLevel.asksReadOnly(email)) {
            LOG.warnf("identity %s ends like a read-only role name; it gets no role", email);
            return;
        }
        desired.put(AccessLevel.WRITE.roleName(email), wanted ? spec(email, AccessLevel.WRITE, superuser) : null);
        desired.put(AccessLevel.READ.roleName(email), wanted ? spec(email, AccessLevel.READ, false) : null);
    }

    /**
     * A person whose email is longer than a role name can hold gets no role: {@code CREATE ROLE} would truncate
     * the name, and nothing would find the role by the email again. Their desired roles become "none"; a
     * truncated role left from before is a managed role nobody wants, so the next full resync drops it. A person
     * whose email fits but whose read-only role name ({@code /ro} longer) does not keeps the write role only.
     *
     * @return the refused emails, to be announced
     */
    private static List<String> refuseUnnameable(Map<String, HumanRoleSpec> desired) {
        List<String> refused = new ArrayList<>();
        desired.replaceAll((roleName, spec) -> {
            if (spec == null || Emails.fitsRoleName(roleName)) {
                return spec;
            }
            if (spec.level() == AccessLevel.WRITE) {
                refused.add(roleName);
            }
            return null;
        });
        return refused;
    }

    /**
     * The human guards; a read-only role also starts its transactions read-only, so a write fails with a clear
     * 25006 first. That setting is a courtesy the person can turn off: the control is the role's privileges.
     */
    private HumanRoleSpec spec(String email, AccessLevel level, boolean superuser) {
        Map<String, String> guards = new LinkedHashMap<>();
        guards.put("statement_timeout", config.humans().statementTimeout());
        guards.put("idle_in_transaction_session_timeout", config.humans().idleInTransactionSessionTimeout());
        if (level == AccessLevel.READ) {
            guards.put("default_transaction_read_only", "on");
        }
        return new HumanRoleSpec(level.roleName(email), guards, superuser, level);
    }

    /**
     * On the cluster's admin session: how people can log in (when the cluster is new, changed or fully
     * resynced), a snapshot for each DBA grant that began, before its role is promoted; the roles; the
     * passwords people set on their own roles cleared; what ended grants changed compared and stay-behind
     * roles disabled.
     */
    private List<RoleOutcome> converge(ClusterTarget cluster, Map<String, HumanRoleSpec> desired,
                                       ReconcileQueue.Pending work) throws SQLException {
        List<DbaBaselines.Watched> grantsWatched = dbaChanges.watched(cluster);
        ClusterRoleReconciler.RemovalLog removals = removalLog(cluster.clusterId());
        return sessions.with(cluster, roles -> {
            ClusterChecks checks = roles.checks();
            if (work.ensureGroups()) {
                loginPaths.check(cluster, checks);
            }
            dbaChanges.snapshotNewGrants(cluster, checks, grantsWatched);
            List<RoleOutcome> outcomes = ClusterRoleReconciler.reconcile(roles, cluster, desired, work.fullResync(),
                    work.ensureGroups(), removals);
            clearHumanPasswords(checks);
            dbaChanges.compare(cluster, checks, grantsWatched, work.fullResync());
            return outcomes;
        });
    }

    /** The queue's record of removals: what dead passes left unannounced, and where this pass writes its own. */
    private ClusterRoleReconciler.RemovalLog removalLog(String clusterId) {
        Set<String> unannounced = queue.unannouncedRemovals(clusterId);
        return new ClusterRoleReconciler.RemovalLog() {
            @Override
            public Set<String> unannounced() {
                return unannounced;
            }

            @Override
            public void removing(Set<String> roleNames) {
                queue.removing(clusterId, roleNames);
            }
        };
    }

    /**
     * PostgreSQL lets any role set its own password; clusters reject people on every line but the gateway's
     * certificate line, and every pass takes such a password away again (one statement; a marked person's
     * role was already patched above, this covers everybody else).
     */
    private static void clearHumanPasswords(ClusterChecks checks) throws SQLException {
        List<String> cleared = checks.clearHumanPasswords();
        if (!cleared.isEmpty()) {
            LOG.warnf("cleared the password people set on their own role: %s", cleared);
        }
    }

    /**
     * The wanted roles of people an earlier pass took and never finished: that pass may have changed the cluster
     * and died before it announced, so this pass announces them even when it finds nothing to change.
     */
    private static Set<String> retriedRoles(Map<String, HumanRoleSpec> desired, ReconcileQueue.Pending work) {
        Set<String> roles = new LinkedHashSet<>();
        desired.forEach((roleName, spec) -> {
            if (spec != null && work.retried().contains(AccessLevel.person(roleName))) {
                roles.add(roleName);
            }
        });
        return roles;
    }

    /**
     * Only a change is announced, so a replay or a duplicate emits nothing; all of a pass's events in one insert.
     * The exception: a role in {@code retried} (an unfinished earlier pass may have made it) is announced as it is.
     * The log gets one line per pass that changed something, with its counts: the events are the record of each
     * role (a team sync used to write a log line per role, which cost more CPU than announcing it).
     */
    private void announce(ClusterTarget cluster, List<RoleOutcome> outcomes, List<String> refused, Set<String> retried) {
        List<Envelope<?>> events = new ArrayList<>();
        for (String email : refused) {
            events.add(Envelope.of(PRODUCER, new HumanRoleRefused(cluster.clusterId(), cluster.team(), email,
                    HumanRoleRefused.EMAIL_TOO_LONG, "the email is " + email.getBytes(StandardCharsets.UTF_8).length
                            + " bytes long; a PostgreSQL role name holds " + Emails.MAX_ROLE_NAME_BYTES)));
        }
        if (!refused.isEmpty()) {
            LOG.warnf("%d person(s) refused a role: email longer than %d bytes", refused.size(),
                    Emails.MAX_ROLE_NAME_BYTES);
        }
        Map<ReconcileResult, Integer> changes = new EnumMap<>(ReconcileResult.class);
        for (RoleOutcome outcome : outcomes) {
            ReconcileResult result = outcome.result();
            if (result.provisioned() || result == ReconcileResult.NOOP && retried.contains(outcome.roleName())) {
                events.add(Envelope.of(PRODUCER, new HumanRoleProvisioned(cluster.clusterId(), cluster.team(),
                        AccessLevel.person(outcome.roleName()), outcome.roleName(), false)));
            } else if (result == ReconcileResult.DELETED || result == ReconcileResult.DEACTIVATED) {
                HumanRoleRemoved.Outcome removed = result == ReconcileResult.DELETED
                        ? HumanRoleRemoved.Outcome.DROPPED : HumanRoleRemoved.Outcome.DEACTIVATED;
                events.add(Envelope.of(PRODUCER, new HumanRoleRemoved(cluster.clusterId(), cluster.team(),
                        AccessLevel.person(outcome.roleName()), outcome.roleName(), removed, outcome.detail())));
            } else if (result == ReconcileResult.UNMANAGED) {
                LOG.warnf("role %s exists in the cluster but is not managed by the platform; left alone",
                        outcome.roleName());
            }
            if (result.changed()) {
                changes.merge(result, 1, Integer::sum);
                LOG.debugf("role %s: %s", outcome.roleName(), result);
            }
        }
        if (!changes.isEmpty()) {
            LOG.infof("roles changed: %s", changes);
            afterCommit.run(() -> meters.changed(changes));
        }
        outbox.publishAll(events);
    }

    private void retryLater(String clusterId, ReconcileQueue.Pending work, SQLException e) {
        int attempts = work.attempts() + 1;
        var delay = new Backoff(config.initialBackoff(), config.maxBackoff())
                .delay(attempts, ThreadLocalRandom.current()::nextDouble);
        // The SQLSTATE and the driver's message name the failure; neither carries the admin password.
        String error = "SQLSTATE " + e.getSQLState() + ": " + e.getMessage();
        LOG.warnf("cluster not reconciled (attempt %d, retry in %d ms): %s", attempts, delay.toMillis(), error);
        queue.failed(clusterId, attempts, delay, error);
    }
}
