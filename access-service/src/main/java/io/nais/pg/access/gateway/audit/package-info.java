/**
 * Statement audit at the gateway: every statement a person runs through the
 * gateway becomes a {@link io.nais.pg.events.StatementExecuted} on the access
 * topic (key: cluster id), without the relay ever waiting on Kafka.
 *
 * <h2>Flow</h2>
 * <pre>
 *  client bytes --> Relay (event loop) --> cluster            (buffer written as is)
 *                     |
 *                     +-- StatementTap.advance(buf)           headers + bounded body prefixes, in place
 *                            | Q, F: one event; P, B, C, E, S: queued in ServerOrder until the server answers
 *                            |
 *  cluster bytes --> Relay --> client  (MessageBoundary: the type of each server message)
 *                     +-- StatementTap.serverMessage(type)    1/2/3: Parse/Bind/Close took effect;
 *                            |                                E: skip to Sync; Z: Sync done
 *                            | a statement is recorded when the server reaches it
 *                            v
 *                     AuditBatcher queue (bounded lock-free MPSC, offer only, wakes no one; full = dropped, counted)
 *                            | "gateway-audit" thread, every drain-interval (20 ms): batch, encode once
 *                            | (EventCodec.encodeAll; event id fixed), then
 *                            v
 *               spool empty? --yes--> KafkaDelivery: send batch, await acks (ack-timeout)
 *                    | no                   | unacked suffix
 *                    v                      v
 *               AuditSpool (directory of append-only segment files, bounded) --oldest segment first-->
 *               KafkaDelivery; a segment is deleted once every record in it is acked
 * </pre>
 *
 * <h2>Decisions</h2>
 * <ul>
 *   <li><b>What one statement is</b>: see {@link io.nais.pg.access.gateway.audit.StatementTap}. A
 *       Simple Query message is one event (a multi-statement string stays one); an extended-protocol
 *       execution is one event at the first Execute after a Bind, with the Bind's parameter count;
 *       a FunctionCall is one event with its function oid and argument sizes. Parameter and
 *       argument values are never read into the event (the tap stops reading a Bind at its count).</li>
 *   <li><b>The server decides, not the client</b> ({@link io.nais.pg.access.gateway.audit.ServerOrder}):
 *       a Parse names a statement only once ParseComplete comes back, so a Parse refused with 42P05
 *       (name in use) cannot relabel what a later Execute runs; messages the server skips after an
 *       error are not recorded. Names are keyed by their first 63 bytes, as PostgreSQL keys them.
 *       Nothing past the bytes captured from the message at hand is read; a statement whose name
 *       hides what it runs is recorded as {@code <unattributed: name too long>}, never dropped.</li>
 *   <li><b>Truncation and redaction</b>: text beyond {@code statements.max-bytes} (UTF-8, cut on a
 *       character boundary) is dropped and {@code truncated=true}. {@link io.nais.pg.access.gateway.audit.Redaction}
 *       masks {@code PASSWORD '…'}-style literals, once per distinct text, on the audit thread. It reads
 *       the text as PostgreSQL's lexer does (comments, identifiers, literals) and masks exactly one
 *       literal after a credential keyword: it redacts values, never statements.</li>
 *   <li><b>Hand-off on a tick, not a signal</b> (issue #11's speed target): the event loop's only
 *       cost per statement is the tap and a lock-free {@code offer}; the audit thread drains the queue
 *       every {@code statements.drain-interval} (20 ms), so it wakes ~50 times a second at any rate and
 *       sends batches of hundreds. The blocking queue it replaces woke the audit thread per statement
 *       (batches of one, a futex call on the event loop per statement). The cost is up to one tick of
 *       extra delay before an event reaches Kafka, which nobody reading an audit trail can notice.</li>
 *   <li><b>Few, large produce requests</b>: a round takes up to {@code statements.batch-size} (5000)
 *       statements and the producer lingers {@code statements.linger} (50 ms) into 1 MiB batches. On the
 *       two-core bench, where the broker shares the cores, the broker's per-request work was the largest
 *       cost left; 5 ms / 64 KiB / 500 gave 0.81-0.85 of the TPS with audit off at 8 clients, 50 ms /
 *       1 MiB / 5000 0.85-0.91. A round awaits its acks before the next, so at most batch-size per
 *       (linger + round trip) go out, about 90,000 statements a second.</li>
 *   <li><b>One bad statement loses only itself</b>: a batch the codec refuses is encoded again one by
 *       one; what still fails is dropped, counted and logged without its text, and any failed round is
 *       logged and survived, so the audit thread never dies.</li>
 *   <li><b>Encoding per batch</b>: {@link io.nais.pg.events.EventCodec#encodeAll} runs the JSON Schema
 *       once per (producer, cluster, person) and writes later statements of the same person straight to
 *       bytes by hand; the codec's {@code StatementFastPath} explains why that cannot emit what a consumer
 *       would reject. Schema validation and the Jackson tree were most of the audit thread's time; after
 *       them, Jackson's generator and two {@code Instant} formats per statement (JFR).</li>
 *   <li><b>An unreachable broker fails a batch fast</b>: {@code KafkaDelivery} stops handing records
 *       to the producer at the first send that already failed (no metadata within the ack timeout), so
 *       a batch goes to the spool after one timeout, not one per record.</li>
 *   <li><b>Not through the outbox</b>: the outbox puts a row in the service's database per event, which at
 *       statement rates (thousands a second per gateway) would make the service database the bottleneck.
 *       Session and login events still go through the outbox; statements get their own producer (the
 *       service's {@code kafka.*} settings, idempotent, acks=all) plus the spool.</li>
 *   <li><b>Delivery is at least once, in order</b>: while anything is spooled, new events queue behind it.
 *       A partly acknowledged spool segment is sent again whole, so an event may appear twice around an
 *       outage, always with the same CloudEvents id (encoded once); consumers de-duplicate by id, as for
 *       every event. A gateway restart sends the segments it finds first.</li>
 *   <li><b>Spool durability</b>: appends are flushed to the OS (a killed process loses nothing), not
 *       fsynced (a power loss may lose the last appends): fsync per batch would put disk latency on the
 *       audit thread's throughput. In production the spool directory is a volume that outlives the pod.</li>
 *   <li><b>When everything is full</b> ({@code spool.when-full}): {@code keep-serving} drops, counts
 *       ({@code nais.gateway.audit.dropped}) and logs an ERROR at most every 10 s;
 *       {@code refuse-new-sessions} does the same for open sessions and refuses new logins to audited
 *       clusters with ErrorResponse 57P03 (cannot_connect_now) and a LoginDenied(audit-unavailable) until
 *       a spool segment reaches Kafka again.</li>
 *   <li><b>Per cluster</b>: {@code nais.access.gateway.audit.statements.enabled} (default true: every
 *       person through the gateway is a human) and {@code ...statements.clusters."<team>/<app>"=false|true}
 *       as the override. Config rather than the cluster projection: turning audit off for a cluster is a
 *       platform decision, not something a team's Kubernetes resource should be able to do.</li>
 *   <li><b>Metrics</b>: {@code nais.gateway.audit.sent}, {@code nais.gateway.audit.dropped},
 *       {@code nais.gateway.audit.spool.bytes}.</li>
 * </ul>
 */
package io.nais.pg.access.gateway.audit;
