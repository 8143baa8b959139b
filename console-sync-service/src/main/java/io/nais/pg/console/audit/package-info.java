/**
 * The audit store: every audit-relevant event as one row of
 * {@code console_audit} (V3, V5), queryable by team, person, cluster and time,
 * and linked in a tamper-evident hash chain per cluster, plus two platform-level
 * chains for platform admins: {@code unknown} (logins refused without a known
 * cluster) and {@code gateway} (connections refused before authentication, which
 * name no person and no cluster: anyone can type anyone's name).
 *
 * <p>Which events: every type on the access, DBA grants and backups topics
 * (logins allowed and denied, sessions with byte counts, statements with
 * their parameter count, roles provisioned, refused and removed, how people can log in
 * to a cluster, what DBAs changed during a grant, the grant lifecycle, backups completed, failed and pruned, restore checks, restores and who made them), except BackupStarted
 * (progress; its outcome is audited) and BackupOverdue (a derived alarm).
 * {@code AuditTrailTest} derives this list from the events registry, so a new
 * event type fails it until it is mapped in {@link io.nais.pg.console.audit.AuditEntry}
 * or excluded with a reason.
 *
 * <p>Key decisions:
 * <ul>
 * <li>Appended in the consumer's transaction, beside the inbox records, so a
 *     line is stored exactly once per event id (a duplicate within a batch,
 *     or one stored already, is skipped under the chain's lock).</li>
 * <li>Chain: SHA-256 over a length-prefixed canonical encoding of the row's
 *     content, its chain and place (chain_seq) and the previous row's hash
 *     ({@link io.nais.pg.console.audit.AuditChain}). Appends lock the chain's
 *     head row ({@code console_audit_chain}, {@code SELECT … FOR UPDATE}), so
 *     replicas append to one chain one at a time.</li>
 * <li>Batched: the gateway emits thousands of statements a second, and one
 *     head lock, round trips and commit per event folded only ~400/s. The
 *     consumer hands a whole polled batch to {@code AuditStore.appendAll}:
 *     per cluster (heads locked in chain-key order, so batches cannot
 *     deadlock on each other) one lock, one duplicate check, one multi-row
 *     INSERT of rows already linked, one head move. The hashes are computed
 *     from the values sent; the INSERT returns the rows as stored and the
 *     batch rolls back unless each hashes as stored (what verify reads) and
 *     none was skipped.</li>
 * <li>Verify recomputes the chain in batches and reports the first row whose
 *     sequence, previous hash or own hash does not hold; the head catches
 *     deleted newest rows. What it cannot catch: someone who rewrites the whole
 *     chain and its head. Record {@code headHash} elsewhere to anchor it.</li>
 * <li>Paging is keyset on (time, id), newest first: a cursor never repeats or
 *     skips a line, however many arrive meanwhile.</li>
 * <li>Retention: rows are kept (no deletion job); the topics keep at least a
 *     year (deploy/base/topics.yaml), see the module's README.</li>
 * </ul>
 */
package io.nais.pg.console.audit;
