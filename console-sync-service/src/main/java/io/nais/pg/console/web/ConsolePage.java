package io.nais.pg.console.web;

import java.time.Instant;
import java.util.List;

import jakarta.inject.Inject;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;

import io.nais.pg.console.api.Viewer;
import io.nais.pg.console.audit.AuditCursor;
import io.nais.pg.console.audit.AuditEntry;
import io.nais.pg.console.audit.AuditPage;
import io.nais.pg.console.audit.AuditQueries;
import io.nais.pg.console.readmodel.ConsoleReadModel;
import io.nais.pg.console.readmodel.Views.ClusterDetail;
import io.nais.pg.console.readmodel.Views.ClusterSummary;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.Authenticated;

/**
 * The server-rendered console: the viewer's teams, a team's clusters table and one cluster's page with its
 * actions ({@link ConsoleActions}). A person signs in with the code flow (the {@code console} OIDC tenant); who
 * sees what is {@link Viewer}, as in the API.
 */
@Path("/console")
@Authenticated
@Produces(MediaType.TEXT_HTML)
public class ConsolePage {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance teams(Visit visit, List<String> teams);

        static native TemplateInstance team(Visit visit, String team, List<ClusterSummary> clusters);

        static native TemplateInstance audit(Visit visit, String team, AuditFilters filters, List<AuditEntry> entries,
                                             String olderUrl);

        static native TemplateInstance cluster(Visit visit, String team, ClusterDetail detail, BackupChart chart);
    }

    @Inject
    ConsoleReadModel readModel;

    @Inject
    Viewer viewer;

    @Inject
    ConsoleSession session;

    @Inject
    AuditQueries auditQueries;

    @GET
    @Operation(hidden = true)
    public Response teams() {
        return session.respond(Response.ok(Templates.teams(session.visit(null, null), viewer.teams())));
    }

    @GET
    @Path("/teams/{team}")
    @Operation(hidden = true)
    public Response team(@PathParam("team") String team) {
        viewer.requireTeam(team);
        return session.respond(Response.ok(Templates.team(session.visit(null, null), team, readModel.clustersOf(team))));
    }

    @GET
    @Path("/teams/{team}/{app}")
    @Operation(hidden = true)
    public Response cluster(@PathParam("team") String team, @PathParam("app") String app,
                            @QueryParam("done") String done) {
        return session.respond(Response.ok(clusterPage(team, app, Visit.notice(done), null)));
    }

    @GET
    @Path("/audit/{team}")
    @Operation(hidden = true)
    public Response audit(@PathParam("team") String team, @QueryParam("person") String person,
                          @QueryParam("kind") String kind, @QueryParam("from") String from, @QueryParam("to") String to,
                          @QueryParam("size") Integer size, @QueryParam("cursor") String cursor) {
        viewer.requireTeam(team);
        AuditFilters filters = AuditFilters.of(person, kind, from, to, size);
        AuditPage page = auditQueries.page(filters.query(viewer.admin() ? null : viewer.teams(), team), cursor(cursor),
                filters.size());
        String older = page.nextCursor() == null ? null : filters.nextUrl(team, page.nextCursor());
        return session.respond(Response.ok(Templates.audit(session.visit(null, null), team, filters, page.items(), older)));
    }

    /** The cluster's page; {@link ConsoleActions} shows it again with the reason an action was refused. */
    TemplateInstance clusterPage(String team, String app, String notice, String refusal) {
        viewer.requireTeam(team);
        ClusterDetail detail = readModel.cluster(team, app)
                .orElseThrow(() -> new NotFoundException("no cluster " + team + "/" + app));
        return Templates.cluster(session.visit(notice, refusal), team, detail,
                BackupChart.of(detail.backups(), Instant.now()));
    }

    private static AuditCursor cursor(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return AuditCursor.decode(text);
        } catch (IllegalArgumentException e) {
            throw new BadRequestException("not a cursor this page made");
        }
    }
}
