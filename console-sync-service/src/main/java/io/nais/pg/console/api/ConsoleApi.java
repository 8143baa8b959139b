package io.nais.pg.console.api;

import java.util.List;

import jakarta.inject.Inject;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.nais.pg.console.discovery.ClusterRefusals;
import io.nais.pg.console.discovery.RefusedClaim;
import io.nais.pg.console.readmodel.ConsoleReadModel;
import io.nais.pg.console.readmodel.Views.ClusterDetail;
import io.nais.pg.console.readmodel.Views.ClusterSummary;
import io.nais.pg.console.readmodel.Views.Page;
import io.nais.pg.console.readmodel.Views.ReachableCluster;
import io.quarkus.security.Authenticated;

/**
 * The console's JSON API. Every call needs a verified OIDC bearer token; a
 * person sees only their teams' clusters, platform admins see all (403
 * otherwise). The CLI resolves {@code <app>} here ({@code /api/me/postgres});
 * the audit trail is {@link AuditApi}.
 */
@Path("/api")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "console")
@SecurityRequirement(name = "bearer")
public class ConsoleApi {

    static final int MAX_PAGE_SIZE = 2000;

    @Inject
    ConsoleReadModel readModel;

    @Inject
    Viewer viewer;

    @Inject
    ClusterRefusals refusals;

    @GET
    @Path("/teams/{team}/postgres")
    @Operation(summary = "The team's Postgres clusters with status, version, access count, grants and backups")
    public List<ClusterSummary> clusters(@PathParam("team") String team) {
        viewer.requireTeam(team);
        return readModel.clustersOf(team);
    }

    @GET
    @Path("/teams/{team}/postgres/{app}")
    @Operation(summary = "One cluster: access list, active DBA grants, backups, restore check, sessions, audit")
    public ClusterDetail cluster(@PathParam("team") String team, @PathParam("app") String app) {
        viewer.requireTeam(team);
        return readModel.cluster(team, app).orElseThrow(() -> new NotFoundException("no cluster " + team + "/" + app));
    }

    @GET
    @Path("/postgres")
    @Operation(summary = "Every cluster of every team, paged (platform admins only)")
    public Page<ClusterSummary> allClusters(@QueryParam("page") @DefaultValue("0") int page,
                                            @QueryParam("size") @DefaultValue("500") int size) {
        viewer.requireAdmin();
        checkPage(page, size);
        return readModel.allClusters(page, size);
    }

    @GET
    @Path("/postgres/refusals")
    @Operation(summary = "Resources refused as clusters: a spec.teamId naming another team than the namespace, or a "
            + "cluster id another resource holds; members see those by or against their teams, admins all")
    public List<RefusedClaim> refusals() {
        return refusals.all().stream().filter(claim -> viewer.maySee(claim.team())
                || viewer.maySee(claim.clusterId().substring(0, claim.clusterId().indexOf('/')))).toList();
    }

    @GET
    @Path("/me/postgres")
    @Operation(summary = "The clusters the caller may reach through the gateway: their teams' clusters and those they "
            + "hold an active DBA grant for; gatewayDatabase is the database name to ask the gateway for")
    public List<ReachableCluster> reachable() {
        return readModel.reachableBy(viewer.email(), viewer.teams());
    }

    private static void checkPage(int page, int size) {
        if (page < 0 || size < 1 || size > MAX_PAGE_SIZE) {
            throw new BadRequestException("page must be >= 0 and size between 1 and " + MAX_PAGE_SIZE);
        }
    }
}
