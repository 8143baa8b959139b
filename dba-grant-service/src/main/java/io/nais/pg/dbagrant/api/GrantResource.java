package io.nais.pg.dbagrant.api;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

import io.nais.pg.dbagrant.DbaGrantConfig;
import io.nais.pg.dbagrant.approval.DecisionService;
import io.nais.pg.dbagrant.model.Caller;
import io.nais.pg.dbagrant.model.DurationText;
import io.nais.pg.dbagrant.model.GrantState;
import io.nais.pg.dbagrant.model.Refusal;
import io.nais.pg.dbagrant.request.GrantStore;
import io.nais.pg.dbagrant.request.RequestService;
import io.nais.pg.kit.identity.CallerClaims;
import io.nais.pg.kit.membership.MembershipProjection;
import io.quarkus.security.Authenticated;

/**
 * The grants API; every call needs a bearer token from the platform's OIDC issuer for the platform's audience
 * ({@code quarkus.oidc.token.audience}). A person sees the grants of their own teams and their own requests
 * (reasons included); platform admins ({@code nais.dba-grant.api.admin-group}) see all.
 */
@Path("/api/grants")
@Authenticated
@SecurityRequirement(name = "bearer")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class GrantResource {

    private final RequestService requests;
    private final DecisionService decisions;
    private final GrantStore grants;
    private final JsonWebToken token;
    private final MembershipProjection members;
    private final DbaGrantConfig config;

    GrantResource(RequestService requests, DecisionService decisions, GrantStore grants, JsonWebToken token,
                  MembershipProjection members, DbaGrantConfig config) {
        this.requests = requests;
        this.decisions = decisions;
        this.grants = grants;
        this.token = token;
        this.members = members;
        this.config = config;
    }

    @POST
    @Operation(summary = "Request DBA (superuser) access to one cluster; needs the DBA group claim")
    public Response request(Bodies.FileRequest body) {
        if (body == null || body.clusterId() == null || body.clusterId().isBlank()) {
            throw new Refusal(Refusal.Kind.INVALID, "cluster-required", "clusterId is required");
        }
        GrantView grant = GrantView.of(requests.request(caller(), body.clusterId(), body.reason(),
                DurationText.parse(body.duration())));
        return Response.status(Response.Status.CREATED).entity(grant).build();
    }

    @POST
    @Path("{id}/approve")
    @Operation(summary = "Approve a pending request; a member of the owning team, not the requester")
    public GrantView approve(@PathParam("id") UUID id) {
        return GrantView.of(decisions.approve(caller(), id));
    }

    @POST
    @Path("{id}/deny")
    @Operation(summary = "Deny a pending request with a reason; a member of the owning team, not the requester")
    public GrantView deny(@PathParam("id") UUID id, Bodies.Reason body) {
        return GrantView.of(decisions.deny(caller(), id, body == null ? null : body.reason()));
    }

    @POST
    @Path("{id}/revoke")
    @Operation(summary = "End an active grant before its expiry; the requester or a member of the owning team")
    public GrantView revoke(@PathParam("id") UUID id, Bodies.Reason body) {
        return GrantView.of(decisions.revoke(caller(), id, body == null ? null : body.reason()));
    }

    @GET
    @Path("{id}")
    @Operation(summary = "One grant, if the caller may see it (see the list)")
    public GrantView get(@PathParam("id") UUID id) {
        Optional<GrantStore.Viewer> viewer = viewer(caller());
        return grants.find(id).filter(grant -> viewer.isEmpty() || viewer.get().sees(grant)).map(GrantView::of)
                .orElseThrow(() -> new Refusal(Refusal.Kind.NOT_FOUND, "unknown-grant",
                        "grant " + id + " does not exist"));
    }

    @GET
    @Operation(summary = "Grants, newest first, optionally of one cluster and in one state: those of the caller's "
            + "teams and the caller's own requests; platform admins see all")
    public List<GrantView> list(@QueryParam("clusterId") String clusterId, @QueryParam("state") String state) {
        return grants.list(blankToNull(clusterId), state(state), viewer(caller()).orElse(null)).stream()
                .map(GrantView::of).toList();
    }

    /** The identity is the email claim, as everywhere on the platform ({@link CallerClaims}); groups as well. */
    private Caller caller() {
        String email = config.api().claims().email(token).orElseThrow(() -> new Refusal(Refusal.Kind.FORBIDDEN,
                "no-identity", "the token carries no email claim"));
        Set<String> groups = token.getGroups() == null ? Set.of() : new HashSet<>(token.getGroups());
        return new Caller(email, groups, config.api().claims().admin(token));
    }

    /** Whose grants the caller sees: empty for a platform admin (every grant). */
    private Optional<GrantStore.Viewer> viewer(Caller caller) {
        return caller.admin() ? Optional.empty()
                : Optional.of(new GrantStore.Viewer(caller.email(), members.teamsOf(caller.email())));
    }

    private static GrantState state(String state) {
        if (state == null || state.isBlank()) {
            return null;
        }
        try {
            return GrantState.valueOf(state.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new Refusal(Refusal.Kind.INVALID, "unknown-state", "state must be one of "
                    + List.of(GrantState.values()));
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
