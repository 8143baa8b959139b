package io.nais.pg.dbagrant.request;

/** The CloudEvents {@code source} of every event this service emits. */
public final class Producer {

    public static final String NAME = "dba-grant-service";

    private Producer() {
    }
}
