package io.nais.pg.console.web;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;

/** Where the issuer sends a person after {@code /console/logout}: no session, so no data, only a way back in. */
@Path("/console/signed-out")
@Produces(MediaType.TEXT_HTML)
public class SignedOutPage {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance signedOut();
    }

    @GET
    @Operation(hidden = true)
    public TemplateInstance signedOut() {
        return Templates.signedOut();
    }
}
