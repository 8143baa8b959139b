package io.nais.pg.dbagrant.model;

import java.util.Set;

/**
 * The person behind a verified token: the identity (email claim, in the platform's one spelling), group claims
 * and whether they are a platform admin.
 */
public record Caller(String email, Set<String> groups, boolean admin) {

    public Caller {
        groups = Set.copyOf(groups);
    }
}
