package io.nais.pg.console.api;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

import jakarta.inject.Inject;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.nais.pg.console.audit.AuditChain;
import io.nais.pg.console.audit.AuditCursor;
import io.nais.pg.console.audit.AuditEntry;
import io.nais.pg.console.audit.AuditPage;
import io.nais.pg.console.audit.AuditQueries;
import io.nais.pg.console.audit.AuditQuery;
import io.nais.pg.console.audit.AuditVerification;
import io.nais.pg.console.audit.AuditVerifier;
import io.quarkus.security.Authenticated;

/**
 * The audit trail over HTTP: lines filtered by team, person, cluster (or team
 * + app) and time, keyset-paged newest first; and the hash chain check. A
 * person sees their teams' lines; platform admins see all, including logins
 * refused without a known cluster (chain {@code unknown}) and connections refused
 * before authentication (chain {@code gateway}).
 */
@Path("/api/audit")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "audit")
@SecurityRequirement(name = "bearer")
public class AuditApi {

    static final int MAX_PAGE_SIZE = 1000;

    @Inject
    AuditQueries queries;

    @Inject
    AuditVerifier verifier;

    @Inject
    Viewer viewer;

    @GET
    @Operation(summary = "Audit lines, newest first, filtered by team, person, cluster (or app with team) and time "
            + "[from, to); pass nextCursor back as cursor for the next page")
    public AuditPage audit(@QueryParam("team") String team, @QueryParam("person") String person,
                           @QueryParam("cluster") String cluster, @QueryParam("app") String app,
                           @QueryParam("from") String from, @QueryParam("to") String to,
                           @QueryParam("cursor") String cursor, @QueryParam("size") @DefaultValue("100") int size) {
        String clusterId = clusterOf(team, cluster, app);
        checkSize(size);
        authorise(team, clusterId);
        List<String> visibleTeams = viewer.admin() ? null : viewer.teams();
        AuditQuery query = new AuditQuery(visibleTeams, team, person, clusterId, instant("from", from), instant("to", to),
                null);
        return queries.page(query, cursor(cursor), size);
    }

    @GET
    @Path("/verify")
    @Operation(summary = "Recompute the cluster's audit hash chain: ok, or the first broken link (row id, time)")
    public AuditVerification verify(@QueryParam("cluster") String cluster) {
        if (cluster == null || cluster.isBlank()) {
            throw new BadRequestException("cluster is required: <team>/<app>, or " + AuditChain.UNKNOWN_CLUSTER
                    + " or " + AuditChain.UNAUTHENTICATED);
        }
        String team = AuditEntry.teamOf(cluster);
        if (team == null) {
            viewer.requireAdmin();
        } else {
            viewer.requireTeam(team);
        }
        return verifier.verify(cluster);
    }

    /** {@code cluster} wins; {@code app} needs {@code team}; neither: no cluster filter. */
    private static String clusterOf(String team, String cluster, String app) {
        if (cluster != null && !cluster.isBlank()) {
            if (AuditEntry.teamOf(cluster) == null) {
                throw new BadRequestException("cluster must be <team>/<app>");
            }
            return cluster;
        }
        if (app != null && !app.isBlank()) {
            if (team == null || team.isBlank()) {
                throw new BadRequestException("app needs team (or pass cluster=<team>/<app>)");
            }
            return team + "/" + app;
        }
        return null;
    }

    private void authorise(String team, String clusterId) {
        if (team != null) {
            viewer.requireTeam(team);
        }
        if (clusterId != null) {
            viewer.requireTeam(AuditEntry.teamOf(clusterId));
        }
    }

    private static void checkSize(int size) {
        if (size < 1 || size > MAX_PAGE_SIZE) {
            throw new BadRequestException("size must be between 1 and " + MAX_PAGE_SIZE);
        }
    }

    private static AuditCursor cursor(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return AuditCursor.decode(text);
        } catch (IllegalArgumentException e) {
            throw new BadRequestException("cursor must be a nextCursor this API returned");
        }
    }

    private static Instant instant(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new BadRequestException(name + " must be an ISO-8601 instant, e.g. 2026-01-31T00:00:00Z");
        }
    }
}
