package io.nais.pg.console.audit;

import java.time.Instant;

/**
 * The outcome of recomputing one cluster's chain: ok, how many rows were
 * checked and the head hash (worth recording elsewhere: a chain rewritten
 * from scratch would end in another hash), or the first broken link.
 */
public record AuditVerification(String cluster, boolean ok, long rowsChecked, String headHash, BrokenLink brokenLink) {

    /**
     * Where the chain first breaks: the row (id, time, place in the chain) whose
     * link does not hold; {@code rowId} and {@code time} are null when the
     * newest rows are missing altogether.
     */
    public record BrokenLink(Long rowId, Instant time, long chainSeq, String problem) {
    }

    static AuditVerification intact(String cluster, long rows, String head) {
        return new AuditVerification(cluster, true, rows, head, null);
    }

    static AuditVerification broken(String cluster, long rows, BrokenLink link) {
        return new AuditVerification(cluster, false, rows, null, link);
    }
}
