package io.nais.pg.console.web;

import java.util.List;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;

import io.nais.pg.console.api.Viewer;
import io.nais.pg.console.readmodel.ConsoleReadModel;
import io.nais.pg.console.readmodel.Views.ClusterDetail;
import io.nais.pg.console.readmodel.Views.ClusterSummary;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.Authenticated;

/**
 * The server-rendered console: the viewer's teams, a team's clusters table
 * and one cluster's page. Same authentication and authorisation as the API
 * ({@link Viewer}); see {@link QueryTokenFilter} for how a browser sends it.
 */
@Path("/console")
@Authenticated
@Produces(MediaType.TEXT_HTML)
public class ConsolePage {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance teams(String email, List<String> teams, boolean admin);

        static native TemplateInstance team(String team, List<ClusterSummary> clusters);

        static native TemplateInstance cluster(String team, ClusterDetail detail);
    }

    @Inject
    ConsoleReadModel readModel;

    @Inject
    Viewer viewer;

    @GET
    @Operation(hidden = true)
    public TemplateInstance teams() {
        return Templates.teams(viewer.email(), viewer.teams(), viewer.admin());
    }

    @GET
    @Path("/teams/{team}")
    @Operation(hidden = true)
    public TemplateInstance team(@PathParam("team") String team) {
        viewer.requireTeam(team);
        return Templates.team(team, readModel.clustersOf(team));
    }

    @GET
    @Path("/teams/{team}/{app}")
    @Operation(hidden = true)
    public TemplateInstance cluster(@PathParam("team") String team, @PathParam("app") String app) {
        viewer.requireTeam(team);
        ClusterDetail detail = readModel.cluster(team, app)
                .orElseThrow(() -> new NotFoundException("no cluster " + team + "/" + app));
        return Templates.cluster(team, detail);
    }
}
