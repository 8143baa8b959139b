package io.nais.pg.dbagrant.api;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

import io.nais.pg.dbagrant.model.Refusal;

/** A broken rule becomes a 4xx with {@code {"rule": …, "message": …}}. */
@Provider
public class RefusalMapper implements ExceptionMapper<Refusal> {

    @Override
    public Response toResponse(Refusal refusal) {
        return Response.status(status(refusal.kind())).type(MediaType.APPLICATION_JSON)
                .entity(new Bodies.Problem(refusal.rule(), refusal.getMessage())).build();
    }

    static int status(Refusal.Kind kind) {
        return switch (kind) {
            case INVALID -> 400;
            case FORBIDDEN -> 403;
            case NOT_FOUND -> 404;
            case CONFLICT -> 409;
        };
    }
}
