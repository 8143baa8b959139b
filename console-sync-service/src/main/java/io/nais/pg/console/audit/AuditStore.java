package io.nais.pg.console.audit;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.transaction.Transactional;

import org.jboss.logging.Logger;

import io.nais.pg.console.audit.AuditRows.Stored;
import io.nais.pg.console.jdbc.Jdbc;
import io.nais.pg.events.Envelope;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;

/**
 * Appends audit lines and links them into their clusters' hash chains, in the
 * caller's (the consumer's) transaction, a whole polled batch at a time: per
 * chain the head row is locked once ({@code SELECT … FOR UPDATE}, so replicas
 * and partitions append to one chain one at a time), the batch's new rows are
 * hashed in order after it and stored, already linked, in one multi-row
 * INSERT, and the head is moved once.
 */
@ApplicationScoped
public class AuditStore {

    private static final Logger LOG = Logger.getLogger(AuditStore.class);

    /** One row per array element; every value travels as text and is cast to its column's type. */
    private static final String INSERT_LINKED = """
            INSERT INTO console_audit (event_id, occurred_at, team, cluster_id, person, kind, detail, session_id,
              statement, parameter_count, bytes_from_client, bytes_to_client, chain_key, chain_seq, prev_hash, hash)
            SELECT r.event_id::uuid, r.occurred_at::timestamptz, r.team, r.cluster_id, r.person, r.kind, r.detail,
              r.session_id::uuid, r.statement, r.parameter_count::integer, r.bytes_from_client::bigint,
              r.bytes_to_client::bigint, r.chain_key, r.chain_seq::bigint, r.prev_hash, r.hash
            FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
              ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[])
              AS r(event_id, occurred_at, team, cluster_id, person, kind, detail, session_id, statement,
                   parameter_count, bytes_from_client, bytes_to_client, chain_key, chain_seq, prev_hash, hash)
            ON CONFLICT (event_id) DO NOTHING
            RETURNING\s""" + AuditRows.NAMES;
    private static final String ALREADY_STORED = "SELECT event_id FROM console_audit WHERE event_id = ANY (?::text[]::uuid[])";
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

    /** An audit line waiting to be linked. */
    private record Pending(UUID eventId, AuditEntry entry) {
    }

    private final Jdbc jdbc;

    AuditStore(DataSource dataSource) {
        this.jdbc = new Jdbc(dataSource);
    }

    /** Stores the envelope's audit line, if it has one, and links it; a repeated event id is stored once. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void append(Envelope<?> envelope) {
        appendAll(List.of(envelope));
    }

    /**
     * Stores the audit lines of {@code envelopes} (those that have one) and
     * links them, each chain's rows in the order given; an event id already
     * stored, or repeated in the list, is stored once.
     *
     * @return the event ids stored now (not those stored before)
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Set<UUID> appendAll(List<? extends Envelope<?>> envelopes) {
        // Sorted by chain: two batches that touch the same clusters lock their heads in the same order (no deadlock).
        Map<String, List<Pending>> byChain = new TreeMap<>();
        for (Envelope<?> envelope : envelopes) {
            AuditEntry.of(envelope).ifPresent(entry -> byChain
                    .computeIfAbsent(AuditChain.chainOf(entry), chain -> new ArrayList<>())
                    .add(new Pending(envelope.metadata().id(), entry)));
        }
        Set<UUID> stored = new HashSet<>();
        byChain.forEach((chain, lines) -> appendToChain(chain, lines).forEach(line -> stored.add(line.eventId())));
        return stored;
    }

    /**
     * Steps: lock the chain's head, drop the lines stored already (after the
     * lock: whoever stored them held it and has committed), hash the rest in
     * order after the head, insert them linked, move the head.
     *
     * @return the lines stored
     */
    private List<Pending> appendToChain(String chain, List<Pending> lines) {
        Head head = lockHead(chain);
        List<Pending> fresh = notStoredYet(lines);
        if (fresh.isEmpty()) {
            return fresh;
        }
        LinkedRows rows = new LinkedRows(fresh.size());
        long seq = head.seq();
        String previous = head.hash();
        for (Pending line : fresh) {
            seq++;
            String hash = AuditChain.hash(chain, seq, line.eventId(), line.entry(), previous);
            rows.add(chain, seq, line.eventId(), line.entry(), previous, hash);
            previous = hash;
        }
        requireStoredAsHashed(jdbc.query(INSERT_LINKED, AuditRows::stored, rows.columns()), fresh.size());
        jdbc.update(MOVE_HEAD, seq, previous, chain);
        return fresh;
    }

    /** The lines whose event id is neither stored nor earlier in {@code lines}, in order. */
    private List<Pending> notStoredYet(List<Pending> lines) {
        String[] ids = lines.stream().map(line -> line.eventId().toString()).toArray(String[]::new);
        Set<UUID> seen = new HashSet<>(jdbc.query(ALREADY_STORED, row -> (UUID) row.getObject(1), (Object) ids));
        return lines.stream().filter(line -> seen.add(line.eventId())).toList();
    }

    /**
     * The hash was computed from the values sent; this proves they are the
     * values stored (what verify reads back), and that no row was skipped, so
     * a batch that would leave a chain unverifiable rolls back instead.
     */
    private static void requireStoredAsHashed(List<Stored> stored, int expected) {
        if (stored.size() != expected) {
            throw new IllegalStateException("audit batch stored " + stored.size() + " of " + expected
                    + " rows: an event id was stored concurrently");
        }
        for (Stored row : stored) {
            if (!AuditChain.hash(row.chain(), row.seq(), row.eventId(), row.entry(), row.previous()).equals(row.hash())) {
                throw new IllegalStateException("audit row " + row.entry().id() + " does not hash as stored");
            }
        }
    }

    /** Rows stored before the chain existed (V5) are linked once, at start-up, in id order. */
    void linkUnchained(@Observes StartupEvent start) {
        long linked = 0;
        List<Long> batch;
        do {
            batch = QuarkusTransaction.requiringNew().call(() -> {
                List<Long> ids = jdbc.query(UNCHAINED, row -> row.getLong(1));
                ids.forEach(this::linkStored);
                return ids;
            });
            linked += batch.size();
        } while (!batch.isEmpty());
        if (linked > 0) {
            LOG.infof("linked %d audit rows stored before the hash chain existed", linked);
        }
    }

    /**
     * Steps: read the row as stored, lock its chain's head, make sure no one
     * linked it meanwhile (two replicas starting at once both find the old
     * rows), hash it after the head, move the head to it.
     */
    private void linkStored(long id) {
        Stored row = jdbc.query(AuditRows.COLUMNS + " WHERE id = ?", AuditRows::stored, id).get(0);
        String chain = AuditChain.chainOf(row.entry());
        Head head = lockHead(chain);
        if (jdbc.query(STILL_UNLINKED, r -> r.getLong(1), id).isEmpty()) {
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
