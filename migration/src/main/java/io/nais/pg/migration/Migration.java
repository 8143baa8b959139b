package io.nais.pg.migration;

import io.nais.pg.events.MigrationCompleted;
import io.nais.pg.events.MigrationFailed;
import io.nais.pg.migration.MigrationException.Failure;
import io.nais.pg.migration.dump.DumpPipe;
import io.nais.pg.migration.dump.PgTools;
import io.nais.pg.migration.plan.DatabaseProfile;
import io.nais.pg.migration.plan.Inspector;
import io.nais.pg.migration.plan.MigrationPlan;
import io.nais.pg.migration.plan.Mode;
import io.nais.pg.migration.replicate.Replication;
import io.nais.pg.migration.report.MigrationEvents;
import io.nais.pg.migration.verify.VerificationReport;
import io.nais.pg.migration.verify.Verifier;
import io.nais.pg.tools.Quote;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * A migration from a source database into a platform cluster. {@link #run()}
 * is the whole of it, step by step. The plan goes to {@code out} with the
 * report; progress goes to {@code err}.
 */
public final class Migration {

    /** What a run ended with. {@code verification} is null for a dry run or a replicate run without --cutover. */
    public record Outcome(MigrationPlan plan, VerificationReport verification, long bytes, Duration cutoverPause) {
    }

    private final MigrationRequest request;
    private final PgTools tools;
    private final MigrationEvents events;
    private final PrintWriter out;
    private final PrintWriter err;
    private final UUID migrationId;
    private final MigrationProgress progress;
    private boolean failureEmitted;

    public Migration(MigrationRequest request, PgTools tools, MigrationEvents events, PrintWriter out, PrintWriter err) {
        this(UUID.randomUUID(), request, tools, events, MigrationProgress.NONE, out, err);
    }

    /**
     * A run whose events carry {@code migrationId} (a service's job id, so its API and the events name
     * one migration) and that reports to {@code progress} as well as to {@code err}.
     */
    public Migration(UUID migrationId, MigrationRequest request, PgTools tools, MigrationEvents events,
            MigrationProgress progress, PrintWriter out, PrintWriter err) {
        this.migrationId = migrationId;
        this.request = request;
        this.tools = tools;
        this.events = events;
        this.progress = progress;
        this.out = out;
        this.err = err;
    }

    public Outcome run() {
        long start = System.nanoTime();
        request.target().requireVerifiedServer("target");
        try {
            Replication replication = new Replication(request.source(), request.target(), err);
            boolean resuming = request.mode() == Mode.REPLICATE && !request.dryRun() && replication.subscribed();
            MigrationPlan plan = plan(resuming);
            if (request.dryRun()) {
                return new Outcome(plan, null, 0, null);
            }
            String role = applicationRole(plan.target());
            ensureExtensions(plan.source(), role);
            long bytes = 0;
            Duration pause = null;
            if (request.mode() == Mode.DUMP) {
                bytes = copy(plan, role, DumpPipe.Scope.ALL);
            } else {
                if (!resuming) {
                    copy(plan, role, DumpPipe.Scope.SCHEMA_ONLY);
                    replication.start(plan.source().tables());
                }
                replication.awaitCaughtUp(1024 * 1024, request.catchUpTimeout());
                if (!request.cutover()) {
                    tellTeamHowToCutOver();
                    return new Outcome(plan, null, 0, null);
                }
                tellTeamToStopWrites();
                pause = replication.cutover(freshSourceProfile().sequences(), request.catchUpTimeout());
                bytes = plan.source().databaseBytes();
            }
            VerificationReport report = verify(plan);
            completed(plan, report, bytes, Duration.ofNanos(System.nanoTime() - start));
            return new Outcome(plan, report, bytes, pause);
        } catch (MigrationException e) {
            if (!request.dryRun()) {
                failed(e.stage(), e.getMessage(), List.of());
            }
            throw e;
        }
    }

    private MigrationPlan plan(boolean resuming) {
        progress.stage("plan");
        DatabaseProfile source = profile(request.source(), "source", true);
        DatabaseProfile target = profile(request.target(), "target", false);
        MigrationPlan plan = MigrationPlan.of(request.mode(), source, target, request.force() || resuming);
        plan.print(out);
        progress.planned(source.tables().size(), source.tableBytes());
        if (plan.blocked()) {
            throw new MigrationException(Failure.BLOCKED, "plan", plan.blockers().size() + " blocker(s): "
                    + String.join("; ", plan.blockers()));
        }
        return plan;
    }

    private long copy(MigrationPlan plan, String role, DumpPipe.Scope scope) {
        progress.stage(scope == DumpPipe.Scope.ALL ? "copy" : "schema");
        err.println((scope == DumpPipe.Scope.ALL ? "copy" : "schema") + ": " + request.source().masked() + " -> "
                + request.target().masked() + " as role " + role);
        if (scope == DumpPipe.Scope.ALL) {
            err.println("copy: writes to the source after this point are not migrated (stop the app first, or use --mode replicate)");
        }
        return new DumpPipe(tools).copy(request.source(), request.target(), role, scope, request.force(),
                scope == DumpPipe.Scope.ALL ? plan.source().tableBytes() : 0, err, progress);
    }

    private VerificationReport verify(MigrationPlan plan) {
        progress.stage("verify");
        VerificationReport report = Verifier.verify(request.source(), request.target(), plan.source().tables(),
                freshSourceProfile().sequences());
        report.print(out);
        if (!report.ok()) {
            failed("verify", report.mismatches().size() + " object(s) differ from the source", report.mismatches());
            throw new MigrationException(Failure.VERIFICATION_FAILED, "verify",
                    "verification failed: " + String.join(", ", report.mismatches()) + " differ(s) from the source");
        }
        return report;
    }

    /** The target's application role: given, or the owner of the target database (the platform seeds it so). */
    private String applicationRole(DatabaseProfile target) {
        return request.applicationRole() != null ? request.applicationRole() : target.owner();
    }

    /**
     * Extensions are created before the restore, as the application role when
     * the extension is trusted (so the role owns it, as the dump expects), else
     * as the admin (SQLSTATE 42501 says it is not trusted).
     */
    private void ensureExtensions(DatabaseProfile source, String role) {
        try (Connection target = request.target().connect("target"); Statement st = target.createStatement()) {
            for (String extension : source.extensions()) {
                // WITH SCHEMA: the session's search_path starts at pg_catalog, which must not receive it
                String create = "CREATE EXTENSION IF NOT EXISTS " + Quote.identifier(extension)
                        + " WITH SCHEMA public";
                try {
                    st.execute("SET ROLE " + Quote.identifier(role));
                    st.execute(create);
                } catch (SQLException e) {
                    if (!"42501".equals(e.getSQLState())) {
                        throw e;
                    }
                    st.execute("RESET ROLE");
                    st.execute(create);
                } finally {
                    st.execute("RESET ROLE");
                }
            }
        } catch (SQLException e) {
            throw new MigrationException(Failure.COPY_FAILED, "copy", "could not create the source's extensions on the target (SQLSTATE "
                    + e.getSQLState() + ")", e);
        }
    }

    private DatabaseProfile freshSourceProfile() {
        return profile(request.source(), "source", true);
    }

    private static DatabaseProfile profile(io.nais.pg.migration.connect.Endpoint endpoint, String role, boolean source) {
        try (Connection connection = endpoint.connect(role)) {
            return source ? Inspector.source(connection) : Inspector.target(connection);
        } catch (SQLException e) {
            throw new MigrationException(Failure.UNREACHABLE, "plan", "could not read the " + role + "'s catalogs (SQLSTATE "
                    + e.getSQLState() + ")", e);
        }
    }

    private void tellTeamHowToCutOver() {
        out.println("replication is running and caught up. To cut over:");
        out.println("  1. stop writes to the source (scale the app to 0 replicas, or make its user read-only)");
        out.println("  2. run the same command again with --cutover; it waits for zero lag, copies sequences and verifies");
        out.println("  3. point the app at the new cluster");
        out.flush();
    }

    private void tellTeamToStopWrites() {
        err.println("cutover: writes to the source must be stopped now (app scaled to 0); waiting for zero lag");
        err.flush();
    }

    private void completed(MigrationPlan plan, VerificationReport report, long bytes, Duration duration) {
        boolean sent = events.emit(new MigrationCompleted(migrationId, request.clusterId(), request.mode().label(),
                plan.source().serverVersion(), plan.target().serverVersion(), report.tables().size(), report.rows(), bytes,
                report.sequences().size(), duration, report.duration()));
        out.printf("migration %s of %s completed in %s%s%n", migrationId, request.clusterId(),
                io.nais.pg.migration.plan.Bytes.duration(duration), sent ? "; MigrationCompleted emitted" : "");
        out.flush();
    }

    private void failed(String stage, String reason, List<String> mismatched) {
        if (failureEmitted) {
            return; // the verification already sent it, with the table names
        }
        failureEmitted = true;
        events.emit(new MigrationFailed(migrationId, request.clusterId(), request.mode().label(), stage, reason, mismatched));
    }
}
