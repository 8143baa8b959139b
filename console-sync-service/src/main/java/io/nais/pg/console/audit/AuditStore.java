package io.nais.pg.console.audit;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.nais.pg.console.audit.AuditRows.Stored;
import io.nais.pg.console.readmodel.Jdbc;
import io.nais.pg.events.Envelope;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;

/**
 * Appends audit lines and links each into its cluster's hash chain, in the
 * caller's (the consumer's) transaction. Linking locks the chain's head row
 * ({@code SELECT … FOR UPDATE}), so replicas and partitions append to one
 * chain one at a time; the hash is computed from the row as stored, the very
 * values the verifier reads back.
 */
@ApplicationScoped
public class AuditStore {

    private static final Logger LOG = Logger.getLogger(AuditStore.class);

    private static final String INSERT = """
            INSERT INTO console_audit (event_id, occurred_at, team, cluster_id, person, kind, detail, session_id,
              statement, parameter_count, bytes_from_client, bytes_to_client)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING RETURNING id
            """;
    private static final String ENSURE_HEAD = """
            INSERT INTO console_audit_chain (chain_key, seq, head_hash) VALUES (?, 0, ?) ON CONFLICT (chain_key) DO NOTHING
            """;
    private static final String LOCK_HEAD = "SELECT seq, head_hash FROM console_audit_chain WHERE chain_key = ? FOR UPDATE";
    private static final String LINK_ROW = "UPDATE console_audit SET chain_key = ?, chain_seq = ?, prev_hash = ?, hash = ? WHERE id = ?";
    private static final String MOVE_HEAD = "UPDATE console_audit_chain SET seq = ?, head_hash = ? WHERE chain_key = ?";
    private static final String UNCHAINED = "SELECT id FROM console_audit WHERE hash IS NULL ORDER BY id LIMIT 500";
    private static final String STILL_UNLINKED = "SELECT id FROM console_audit WHERE id = ? AND hash IS NULL FOR UPDATE";

    private record Head(long seq, String hash) {
    }

    private final Jdbc jdbc;

    AuditStore(DataSource dataSource) {
        this.jdbc = new Jdbc(dataSource);
    }

    /** Stores the envelope's audit line, if it has one, and links it; a repeated event id is stored once. */
    public void append(Envelope<?> envelope) {
        // A row inserted by this transaction is invisible to every other one: no one else can link it.
        AuditEntry.of(envelope).ifPresent(entry -> insert(envelope.metadata().id(), entry)
                .ifPresent(id -> link(id, false)));
    }

    /** Rows stored before the chain existed (V5) are linked once, at start-up, in id order. */
    void linkUnchained(@Observes StartupEvent start) {
        long linked = 0;
        List<Long> batch;
        do {
            batch = QuarkusTransaction.requiringNew().call(() -> {
                List<Long> ids = jdbc.query(UNCHAINED, row -> row.getLong(1));
                ids.forEach(id -> link(id, true));
                return ids;
            });
            linked += batch.size();
        } while (!batch.isEmpty());
        if (linked > 0) {
            LOG.infof("linked %d audit rows stored before the hash chain existed", linked);
        }
    }

    private Optional<Long> insert(UUID eventId, AuditEntry e) {
        return jdbc.query(INSERT, row -> row.getLong(1), eventId, e.time(), e.team(), e.clusterId(), e.person(),
                e.kind(), e.detail(), e.sessionId(), e.statement(), e.parameterCount(), e.bytesFromClient(),
                e.bytesToClient()).stream().findFirst();
    }

    /**
     * Steps: read the row as stored, lock its chain's head, make sure no one
     * linked it meanwhile ({@code recheck}: two replicas starting at once both
     * find the old rows), hash it after the head, move the head to it.
     */
    private void link(long id, boolean recheck) {
        Stored row = jdbc.query(AuditRows.COLUMNS + " WHERE id = ?", AuditRows::stored, id).get(0);
        String chain = AuditChain.chainOf(row.entry());
        Head head = lockHead(chain);
        if (recheck && jdbc.query(STILL_UNLINKED, r -> r.getLong(1), id).isEmpty()) {
            return;
        }
        long seq = head.seq() + 1;
        String hash = AuditChain.hash(chain, seq, row.eventId(), row.entry(), head.hash());
        jdbc.update(LINK_ROW, chain, seq, head.hash(), hash, id);
        jdbc.update(MOVE_HEAD, seq, hash, chain);
    }

    /** The chain's head, locked until commit; a chain's first row creates it. */
    private Head lockHead(String chain) {
        List<Head> head = jdbc.query(LOCK_HEAD, row -> new Head(row.getLong(1), row.getString(2)), chain);
        if (!head.isEmpty()) {
            return head.get(0);
        }
        jdbc.update(ENSURE_HEAD, chain, AuditChain.GENESIS);
        return jdbc.query(LOCK_HEAD, row -> new Head(row.getLong(1), row.getString(2)), chain).get(0);
    }
}
