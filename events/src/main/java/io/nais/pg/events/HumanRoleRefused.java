package io.nais.pg.events;

/**
 * The platform refused to give a person a login role in a cluster they would
 * otherwise get one in (a member of the owning team, or a DBA with a grant),
 * and the person has no role there. {@code reason} is a stable code:
 * {@link #EMAIL_TOO_LONG}, an email longer than PostgreSQL's 63-byte role
 * names ({@link Emails#MAX_ROLE_NAME_BYTES}), which {@code CREATE ROLE} would
 * silently truncate. Key: the cluster id.
 */
public record HumanRoleRefused(String clusterId, String team, String email, String reason, String detail)
        implements PlatformEvent {

    public static final String EMAIL_TOO_LONG = "email-too-long";

    public HumanRoleRefused {
        Require.clusterId(clusterId, "HumanRoleRefused.clusterId");
        Require.text(team, "HumanRoleRefused.team");
        email = Emails.normalise(Require.text(email, "HumanRoleRefused.email"));
        Require.text(reason, "HumanRoleRefused.reason");
        Require.text(detail, "HumanRoleRefused.detail");
    }

    @Override
    public String aggregateId() {
        return clusterId;
    }
}
