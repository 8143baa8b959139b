package io.nais.pg.events;

/** A person became a member of a team. Key: the team. */
public record TeamMemberAdded(String team, String email) implements PlatformEvent {

    public TeamMemberAdded {
        Require.text(team, "TeamMemberAdded.team");
        email = Emails.normalise(Require.text(email, "TeamMemberAdded.email"));
    }

    @Override
    public String aggregateId() {
        return team;
    }
}
