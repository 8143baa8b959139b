package io.nais.pg.dbagrant.model;

import java.util.Set;

/** The person behind a verified token: the identity (email claim) and group claims. */
public record Caller(String email, Set<String> groups) {

    public Caller {
        groups = Set.copyOf(groups);
    }
}
