package io.nais.pg.access.directory;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.nais.pg.kit.membership.MembershipProjection;

/**
 * The newest membership fact per (team, email), in the {@code team_member}
 * table: service-kit's {@link MembershipProjection} (newest by envelope time,
 * then event id; one statement per polled batch), as a bean for the membership
 * consumer, provisioning and the gateway's directory.
 */
@ApplicationScoped
class MembershipTable {

    @Produces
    @Singleton
    static MembershipProjection members(DataSource dataSource) {
        return new MembershipProjection(dataSource, "team_member");
    }
}
