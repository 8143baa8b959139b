package io.nais.pg.console.api;

import java.util.List;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.ForbiddenException;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.nais.pg.console.readmodel.ConsoleReadModel;

/**
 * The person behind the request's verified token (the API's bearer token, or the page session's ID token),
 * and what they may see: platform admins see every team, anyone else only the teams the
 * membership projection lists for their email. Shared by the API and the page.
 */
@RequestScoped
public class Viewer {

    @Inject
    JsonWebToken token;

    @Inject
    ApiConfig config;

    @Inject
    ConsoleReadModel readModel;

    private List<String> teams;

    /** The person's email claim; a token without one is known by its subject (which matches no membership). */
    public String email() {
        return config.claims().email(token).orElseGet(token::getSubject);
    }

    public boolean admin() {
        return config.claims().admin(token);
    }

    /** The viewer's teams from the membership projection (admins may see more than these). */
    public List<String> teams() {
        if (teams == null) {
            teams = readModel.teamsOf(email());
        }
        return teams;
    }

    public boolean maySee(String team) {
        return admin() || teams().contains(team);
    }

    /** @throws ForbiddenException (403) when the viewer is neither a member of the team nor an admin */
    public void requireTeam(String team) {
        if (!maySee(team)) {
            throw new ForbiddenException("not a member of team " + team);
        }
    }

    public void requireAdmin() {
        if (!admin()) {
            throw new ForbiddenException("platform admins only");
        }
    }
}
