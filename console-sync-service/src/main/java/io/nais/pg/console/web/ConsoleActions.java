package io.nais.pg.console.web;

import java.net.URI;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;

import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.security.Authenticated;
import io.smallrye.common.annotation.Blocking;

/**
 * The page's actions on one cluster. Each one, in order: the form's CSRF token must belong to this browser session
 * and person (else 403, nothing is called); the peer's API is called as the person ({@link PeerApis}), and decides;
 * a success redirects to the cluster page (303, so a reload does not repeat it), a refusal shows the page again
 * with the peer's status and reason.
 */
@Path("/console/actions/{team}/{app}")
@Authenticated
@Blocking
@Produces(MediaType.TEXT_HTML)
@Consumes(MediaType.APPLICATION_FORM_URLENCODED)
public class ConsoleActions {

    /** Kubernetes names: what a team or app can be; anything else never reaches a peer's URL. */
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?");

    @Inject
    ConsoleSession session;

    @Inject
    ConsolePage page;

    @Inject
    PeerApis peers;

    @Inject
    AccessTokenCredential accessToken;

    @POST
    @Path("/grants/{id}/approve")
    @Operation(hidden = true)
    public Response approve(@PathParam("team") String team, @PathParam("app") String app, @PathParam("id") UUID id,
                            @FormParam(CsrfTokens.FIELD) String csrf) {
        return act(team, app, csrf, "approved",
                () -> peers.dbaGrant("/api/grants/" + id + "/approve", Map.of(), token()));
    }

    @POST
    @Path("/grants/{id}/deny")
    @Operation(hidden = true)
    public Response deny(@PathParam("team") String team, @PathParam("app") String app, @PathParam("id") UUID id,
                         @FormParam(CsrfTokens.FIELD) String csrf, @FormParam("reason") String reason) {
        return act(team, app, csrf, "denied",
                () -> peers.dbaGrant("/api/grants/" + id + "/deny", reasonBody(reason), token()));
    }

    @POST
    @Path("/grants/{id}/revoke")
    @Operation(hidden = true)
    public Response revoke(@PathParam("team") String team, @PathParam("app") String app, @PathParam("id") UUID id,
                           @FormParam(CsrfTokens.FIELD) String csrf, @FormParam("reason") String reason) {
        return act(team, app, csrf, "revoked",
                () -> peers.dbaGrant("/api/grants/" + id + "/revoke", reasonBody(reason), token()));
    }

    @POST
    @Path("/backups")
    @Operation(hidden = true)
    public Response backupNow(@PathParam("team") String team, @PathParam("app") String app,
                              @FormParam(CsrfTokens.FIELD) String csrf) {
        return act(team, app, csrf, "backup", () -> peers.backup("/api/backups/" + team + "/" + app, token()));
    }

    @POST
    @Path("/backups/verify")
    @Operation(hidden = true)
    public Response verifyRestore(@PathParam("team") String team, @PathParam("app") String app,
                                  @FormParam(CsrfTokens.FIELD) String csrf) {
        return act(team, app, csrf, "verify", () -> peers.backupVerifier("/api/backups/" + team + "/" + app + "/verify", token()));
    }

    private Response act(String team, String app, String csrf, String done, Supplier<PeerApis.Outcome> call) {
        requireNames(team, app);
        if (!session.accepts(csrf)) {
            return refused(team, app, 403, "This form was not sent from your console session (its CSRF token is "
                    + "missing or stale). Reload the page and try again.");
        }
        PeerApis.Outcome outcome = call.get();
        if (!outcome.ok()) {
            return refused(team, app, outcome.status(), outcome.refusal());
        }
        return Response.seeOther(URI.create("/console/teams/" + team + "/" + app + "?done=" + done)).build();
    }

    private Response refused(String team, String app, int status, String reason) {
        return session.respond(Response.status(status).entity(page.clusterPage(team, app, null, reason)));
    }

    private String token() {
        return accessToken.getToken();
    }

    private static Map<String, Object> reasonBody(String reason) {
        return reason == null || reason.isBlank() ? Map.of() : Map.of("reason", reason);
    }

    private static void requireNames(String team, String app) {
        if (!NAME.matcher(team).matches() || !NAME.matcher(app).matches()) {
            throw new NotFoundException("no cluster " + team + "/" + app);
        }
    }
}
