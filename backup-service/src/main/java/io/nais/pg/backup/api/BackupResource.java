package io.nais.pg.backup.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.UUID;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.nais.pg.backup.access.ApiAccess;
import io.nais.pg.backup.clusters.BackupTarget;
import io.nais.pg.backup.clusters.ClusterRegistry;
import io.nais.pg.backup.config.BackupConfig;
import io.nais.pg.backup.config.RunMode;
import io.nais.pg.backup.restore.DatabaseRestorer;
import io.nais.pg.backup.restore.RestoreService;
import io.nais.pg.backup.run.BackupRecord;
import io.nais.pg.backup.run.BackupRunner;
import io.nais.pg.backup.run.BackupRuns;
import io.nais.pg.backup.verify.RestoreVerifier;
import io.quarkus.security.Authenticated;
import io.smallrye.common.annotation.Blocking;

/**
 * The operator API behind {@code nais postgres backups create|list|verify|restore}.
 * Every call needs a valid bearer token (401); who may do what is
 * {@link ApiAccess} (403). Errors are JSON {@code {"error": "..."}} with 404
 * (unknown cluster, backup, or a table the backup does not hold: the message lists those it holds), 409 (backup running, restore target exists),
 * 400 (bad request), 503 (served by the other {@code nais.backup.mode}: backups by
 * {@code backup}, verify and restore by {@code verify}, which holds the age identity).
 */
@Path("/api/backups/{team}/{app}")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
@Authenticated
public class BackupResource {

    private final ClusterRegistry clusters;
    private final BackupRuns runs;
    private final BackupRunner runner;
    private final RestoreService restores;
    private final RestoreVerifier verifier;
    private final ApiAccess access;
    private final RunMode mode;

    BackupResource(ClusterRegistry clusters, BackupRuns runs, BackupRunner runner, RestoreService restores,
                   RestoreVerifier verifier, ApiAccess access, BackupConfig config) {
        this.access = access;
        this.clusters = clusters;
        this.runs = runs;
        this.runner = runner;
        this.restores = restores;
        this.verifier = verifier;
        this.mode = config.mode();
    }

    public record Requested(UUID backupId, String clusterId) {
    }

    public record Verification(Instant at, boolean ok, String detail) {
    }

    public record Listed(UUID backupId, String state, Instant startedAt, Instant finishedAt, Long bytes, String sha256,
                         String objectKey, String pgVersion, Long durationMs, String detail, Long bytesSoFar,
                         Verification verification) {
    }

    /** {@code tables}: {@code schema.table} names to restore alone; absent or empty restores the whole database. */
    public record RestoreRequest(UUID backupId, String targetDatabase, String targetCluster, List<String> tables) {
    }

    @POST
    public Response create(@PathParam("team") String team, @PathParam("app") String app) {
        if (!access.mayUse(team)) {
            return notAMember(team);
        }
        String clusterId = team + "/" + app;
        BackupTarget target = clusters.live(clusterId).orElse(null);
        if (target == null) {
            return error(Response.Status.NOT_FOUND, "unknown cluster " + clusterId);
        }
        if (!mode.backsUp()) {
            return error(Response.Status.SERVICE_UNAVAILABLE, "backups are taken by nais.backup.mode=backup");
        }
        try {
            UUID backupId = runner.request(target);
            return Response.accepted(new Requested(backupId, clusterId)).build();
        } catch (BackupRunner.AlreadyRunningException e) {
            return error(Response.Status.CONFLICT, e.getMessage());
        }
    }

    @GET
    public Response list(@PathParam("team") String team, @PathParam("app") String app) {
        if (!access.mayUse(team)) {
            return notAMember(team);
        }
        String clusterId = team + "/" + app;
        List<Listed> listed = runs.ofCluster(clusterId).stream().map(this::listed).toList();
        if (listed.isEmpty() && clusters.live(clusterId).isEmpty()) {
            return error(Response.Status.NOT_FOUND, "unknown cluster " + clusterId);
        }
        return Response.ok(listed).build();
    }

    @POST
    @Path("/restore")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response restore(@PathParam("team") String team, @PathParam("app") String app, RestoreRequest request) {
        if (!access.mayRestore()) {
            return error(Response.Status.FORBIDDEN, "restores are for platform admins only");
        }
        if (request == null || request.backupId() == null || request.targetDatabase() == null
                || request.targetDatabase().isBlank()) {
            return error(Response.Status.BAD_REQUEST, "backupId and targetDatabase are required");
        }
        String restoredBy = access.email().orElse(null);
        if (restoredBy == null) {
            return error(Response.Status.FORBIDDEN, "the token names no person (no email claim): a restore records who made it");
        }
        String clusterId = team + "/" + app;
        String targetCluster = request.targetCluster() == null ? clusterId : request.targetCluster();
        List<String> tables = request.tables() == null ? List.of() : request.tables();
        try {
            return Response.ok(restores.restore(clusterId, request.backupId(), targetCluster, request.targetDatabase(),
                    tables, restoredBy)).build();
        } catch (NoSuchElementException | DatabaseRestorer.UnknownTablesException e) {
            return error(Response.Status.NOT_FOUND, e.getMessage());
        } catch (RestoreService.BadTargetNameException e) {
            return error(Response.Status.BAD_REQUEST, e.getMessage());
        } catch (RunMode.NotThisModeException e) {
            return error(Response.Status.SERVICE_UNAVAILABLE, e.getMessage());
        } catch (DatabaseRestorer.TargetExistsException e) {
            return error(Response.Status.CONFLICT, e.getMessage());
        } catch (Exception e) {
            return error(Response.Status.INTERNAL_SERVER_ERROR,
                    "restore failed: " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    /**
     * Runs the scheduled restore verification now for the newest completed
     * backup and answers with its RestoreVerified; a failed check is still 200
     * (the verdict is the answer), with {@code ok=false} and the reason.
     */
    @POST
    @Path("/verify")
    public Response verify(@PathParam("team") String team, @PathParam("app") String app) {
        if (!access.mayUse(team)) {
            return notAMember(team);
        }
        String clusterId = team + "/" + app;
        if (clusters.live(clusterId).isEmpty() && runs.ofCluster(clusterId).isEmpty()) {
            return error(Response.Status.NOT_FOUND, "unknown cluster " + clusterId);
        }
        try {
            return verifier.verifyNewest(clusterId).map(verdict -> Response.ok(verdict).build())
                    .orElseGet(() -> error(Response.Status.NOT_FOUND, "no completed backup of " + clusterId + " to verify"));
        } catch (RunMode.NotThisModeException e) {
            return error(Response.Status.SERVICE_UNAVAILABLE, e.getMessage());
        }
    }

    private Listed listed(BackupRecord r) {
        Verification verification = r.verifiedAt() == null ? null
                : new Verification(r.verifiedAt(), Boolean.TRUE.equals(r.verifiedOk()), r.verifyDetail());
        Long soFar = BackupRecord.RUNNING.equals(r.state()) ? runner.progress(r.backupId()).orElse(null) : null;
        return new Listed(r.backupId(), r.state(), r.startedAt(), r.finishedAt(), r.bytes(), r.sha256(), r.objectKey(),
                r.pgVersion(), r.durationMs(), r.detail(), soFar, verification);
    }

    private static Response notAMember(String team) {
        return error(Response.Status.FORBIDDEN, "not a member of team " + team + " nor a platform admin");
    }

    private static Response error(Response.Status status, String message) {
        return Response.status(status).entity(Map.of("error", message)).type(MediaType.APPLICATION_JSON).build();
    }
}
