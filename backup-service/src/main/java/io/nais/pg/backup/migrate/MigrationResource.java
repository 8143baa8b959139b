package io.nais.pg.backup.migrate;

import java.util.Map;
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
import io.nais.pg.migration.MigrationException;
import io.nais.pg.migration.connect.Endpoint;
import io.quarkus.security.Authenticated;
import io.smallrye.common.annotation.Blocking;

/**
 * The API behind {@code nais postgres migrate} (without {@code --local}):
 * {@code POST /api/migrations/{team}/{app}} with the source's URL starts a
 * dump-mode migration into the app's cluster and answers 202 with its id;
 * {@code GET /api/migrations/{id}} answers its progress (stage, bytes, tables,
 * ETA) and, once finished, the plan and the verification report.
 *
 * <p>Who: members of the owning team and platform admins, the rule of
 * {@code backups create} ({@link ApiAccess#mayUse}); the migration only
 * writes into the team's own cluster, as the app's role. Errors are JSON
 * {@code {"error": "..."}}: 400 (no source, an unparsable URL, a source in a
 * refused network), 401, 403, 404 (unknown cluster or migration), 409 (a
 * migration into the cluster is running), 429 (busy),
 * 503 (served by {@code nais.backup.mode=verify}). The source's URL is in the
 * request body only: it never reaches a log, an error message or a row.
 */
@Path("/api/migrations")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
@Authenticated
public class MigrationResource {

    private final ClusterRegistry clusters;
    private final MigrationJobs jobs;
    private final ApiAccess access;
    private final SourceHosts sourceHosts;
    private final RunMode mode;

    MigrationResource(ClusterRegistry clusters, MigrationJobs jobs, ApiAccess access, SourceHosts sourceHosts,
                      BackupConfig config) {
        this.clusters = clusters;
        this.jobs = jobs;
        this.access = access;
        this.sourceHosts = sourceHosts;
        this.mode = config.mode();
    }

    /**
     * @param source {@code postgresql://user:password@host:port/database?sslmode=…}: the CLI reads it from
     *               the person's argument, environment or file and sends it here once, over the API's TLS
     */
    public record Order(String source, boolean dryRun, boolean force, String applicationRole) {
        @Override
        public String toString() {
            return "Order[dryRun=" + dryRun + ", force=" + force + ", applicationRole=" + applicationRole + "]";
        }
    }

    public record Started(UUID migrationId, String clusterId) {
    }

    @POST
    @Path("/{team}/{app}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response start(@PathParam("team") String team, @PathParam("app") String app, Order order) {
        if (!access.mayUse(team)) {
            return error(Response.Status.FORBIDDEN, "not a member of team " + team + " nor a platform admin");
        }
        if (!mode.verifies()) {
            return error(Response.Status.SERVICE_UNAVAILABLE, "migrations run in nais.backup.mode=verify");
        }
        String clusterId = team + "/" + app;
        BackupTarget target = clusters.live(clusterId).orElse(null);
        if (target == null) {
            return error(Response.Status.NOT_FOUND, "unknown cluster " + clusterId);
        }
        if (order == null || order.source() == null || order.source().isBlank()) {
            return error(Response.Status.BAD_REQUEST, "source is required: postgresql://user:password@host:port/database");
        }
        Endpoint source;
        try {
            source = Endpoint.parse(order.source());
        } catch (MigrationException e) {
            return error(Response.Status.BAD_REQUEST, e.getMessage()); // its messages never quote the URL
        }
        String refusal = sourceHosts.refusal(source.host());
        if (refusal != null) {
            return error(Response.Status.BAD_REQUEST, refusal);
        }
        try {
            UUID id = jobs.start(target, source, new MigrationJobs.Options(order.dryRun(), order.force(),
                    blankToNull(order.applicationRole())), access.caller());
            return Response.accepted(new Started(id, clusterId)).build();
        } catch (MigrationJobs.BusyException e) {
            return error(Response.Status.TOO_MANY_REQUESTS, e.getMessage());
        } catch (MigrationJobs.AlreadyRunningException e) {
            return error(Response.Status.CONFLICT, e.getMessage());
        }
    }

    @GET
    @Path("/{id}")
    public Response status(@PathParam("id") UUID id) {
        String team = jobs.team(id).orElse(null);
        if (team == null) {
            return error(Response.Status.NOT_FOUND, "no migration " + id);
        }
        if (!access.mayUse(team)) {
            return error(Response.Status.FORBIDDEN, "not a member of team " + team + " nor a platform admin");
        }
        return jobs.status(id).map(status -> Response.ok(status).build())
                .orElseGet(() -> error(Response.Status.NOT_FOUND, "no migration " + id));
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    private static Response error(Response.Status status, String message) {
        return Response.status(status).entity(Map.of("error", message)).type(MediaType.APPLICATION_JSON).build();
    }
}
