package io.nais.pg.access.gateway.audit;

/** Where a tap hands statements; must never block (it is called on a Netty event loop). */
@FunctionalInterface
public interface StatementSink {

    void offer(AuditedStatement statement);
}
