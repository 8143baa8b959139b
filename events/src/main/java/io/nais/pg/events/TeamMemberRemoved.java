package io.nais.pg.events;

/** A person stopped being a member of a team. Key: the team. */
public record TeamMemberRemoved(String team, String email) implements PlatformEvent {

    public TeamMemberRemoved {
        Require.text(team, "TeamMemberRemoved.team");
        email = Emails.normalise(Require.text(email, "TeamMemberRemoved.email"));
    }

    @Override
    public String aggregateId() {
        return team;
    }
}
