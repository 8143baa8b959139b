package io.nais.pg.console.audit;

import java.util.List;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

import io.nais.pg.console.audit.AuditRows.Stored;
import io.nais.pg.console.audit.AuditVerification.BrokenLink;
import io.nais.pg.console.jdbc.Jdbc;

/**
 * Recomputes a cluster's chain from the stored rows, in chain order, in
 * batches (memory stays bounded whatever the chain's length). A row breaks
 * the chain when it is not the next in sequence (a row before it was
 * deleted or moved), when its previous hash is not the recomputed hash of
 * the row before (that row was altered), or when its own hash does not match
 * its content (it was altered). The head row catches deleted newest rows.
 */
@ApplicationScoped
public class AuditVerifier {

    private static final int BATCH = 1000;
    private static final String ROWS = AuditRows.COLUMNS + " WHERE chain_key = ? AND chain_seq > ? ORDER BY chain_seq LIMIT ?";
    private static final String HEAD = "SELECT seq, head_hash FROM console_audit_chain WHERE chain_key = ?";

    private final Jdbc jdbc;

    AuditVerifier(DataSource dataSource) {
        this.jdbc = new Jdbc(dataSource);
    }

    public AuditVerification verify(String chain) {
        long seq = 0;
        String previous = AuditChain.GENESIS;
        List<Stored> batch;
        do {
            batch = jdbc.query(ROWS, AuditRows::stored, chain, seq, BATCH);
            for (Stored row : batch) {
                String problem = problem(row, seq + 1, previous);
                if (problem != null) {
                    return AuditVerification.broken(chain, seq, new BrokenLink(row.entry().id(), row.entry().time(),
                            row.seq(), problem));
                }
                seq = row.seq();
                previous = row.hash();
            }
        } while (batch.size() == BATCH);
        return checkHead(chain, seq, previous);
    }

    private static String problem(Stored row, long expectedSeq, String previous) {
        if (row.seq() != expectedSeq) {
            return "rows " + expectedSeq + " to " + (row.seq() - 1) + " of the chain are missing";
        }
        if (!previous.equals(row.previous())) {
            return "the previous hash does not match the row before: that row was altered or replaced";
        }
        String recomputed = AuditChain.hash(row.chain(), row.seq(), row.eventId(), row.entry(), row.previous());
        return recomputed.equals(row.hash()) ? null : "the row's content does not match its hash: it was altered";
    }

    private AuditVerification checkHead(String chain, long seq, String previous) {
        List<Object[]> head = jdbc.query(HEAD, row -> new Object[] {row.getLong(1), row.getString(2)}, chain);
        long headSeq = head.isEmpty() ? 0 : (Long) head.get(0)[0];
        String headHash = head.isEmpty() ? AuditChain.GENESIS : (String) head.get(0)[1];
        if (headSeq != seq || !headHash.equals(previous)) {
            return AuditVerification.broken(chain, seq, new BrokenLink(null, null, seq + 1,
                    "the chain's head is row " + headSeq + " but the rows end at " + seq + ": the newest rows were deleted"
                            + " or altered"));
        }
        return AuditVerification.intact(chain, seq, previous);
    }
}
