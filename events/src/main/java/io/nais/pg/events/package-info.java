/**
 * The platform's events: the only place an event is defined.
 *
 * <h2>Shape</h2>
 * Every event is a record implementing the sealed {@link io.nais.pg.events.PlatformEvent},
 * named as a past-tense fact. It travels inside an {@link io.nais.pg.events.Envelope}
 * (metadata + data), encoded by {@link io.nais.pg.events.EventCodec} as a CloudEvents 1.0
 * structured JSON document, one per Kafka record value:
 * <pre>
 * {"specversion":"1.0","id":"&lt;uuid&gt;","type":"nais.pg.TeamMemberAdded.v1",
 *  "source":"access-service","subject":"team-a","time":"2026-11-24T10:00:00Z",
 *  "datacontenttype":"application/json","correlationid":"&lt;uuid&gt;","data":{…}}
 * </pre>
 *
 * <h2>Decisions</h2>
 * <ul>
 * <li><b>Structured, not binary, CloudEvents mode.</b> The whole event is in the record
 *     value, so an outbox row, a DLQ record and a log line are each one self-describing
 *     document; Kafka headers are left for transport concerns (e.g. DLQ reasons).</li>
 * <li><b>{@code subject} is the aggregate id and the Kafka key</b> (team, cluster id or
 *     grant id), so the events of one aggregate stay in order. Decode refuses a document
 *     whose subject is not its data's aggregate id.</li>
 * <li><b>{@code correlationid}</b> (a CloudEvents extension) ties together everything one
 *     cause set off: {@link io.nais.pg.events.Envelope#of} starts a correlation with the
 *     event's own id, {@link io.nais.pg.events.Envelope#follow} keeps it.</li>
 * <li><b>The version is in the type and the topic</b> ({@code nais.pg.X.v1},
 *     {@code nais.pg.access.v1}). Adding an optional field is compatible; anything else
 *     is a new type version on a new {@code .vN} topic. An unknown type, including a newer
 *     version of a known one, is rejected, not guessed at.</li>
 * <li><b>One registry</b> ({@link io.nais.pg.events.EventTypes}) maps record class ↔ type ↔
 *     topic ↔ schema; names are derived from the class, so they cannot drift.</li>
 * <li><b>Schemas are the wire contract and are checked both ways.</b> Decode validates the
 *     envelope, then the data against its type's JSON Schema (draft 2020-12,
 *     {@code additionalProperties: false}, formats asserted); encode does the same, so a
 *     producer fails at publish time instead of sending a consumer poison. Compact
 *     constructors check what a schema cannot say (clusterId = team/app, expiry after
 *     grant).</li>
 * <li><b>A batch path for the high-rate event.</b> {@link io.nais.pg.events.EventCodec#encodeAll}
 *     gives the same bytes as {@code encode} per envelope, but a {@code StatementExecuted} (thousands a
 *     second from each gateway) is schema-checked once per (producer, cluster, person) and then written
 *     straight to bytes by {@code StatementDocument} (prepared constant fragments, the person's strings
 *     escaped once, the time formatted once per second): every other field's validity follows from its
 *     Java type and the record's constructor (reasoning in {@code StatementFastPath}; tests compare the
 *     bytes with {@code encode}'s for every character of the basic plane and every instant form).
 *     Consumers still validate everything on decode.</li>
 * <li><b>Errors name the field, never the value</b>:
 *     {@link io.nais.pg.events.InvalidEventException} carries the type and a JSON pointer
 *     ({@code /data/email}); parse errors do not echo the document.</li>
 * <li><b>Time</b> is ISO-8601 text (instants in UTC with {@code Z}, durations as
 *     {@code PT1M35.25S}); never epoch numbers. Envelope times are cut to microseconds,
 *     PostgreSQL's precision, so outbox and inbox rows round-trip equal.</li>
 * <li><b>Absent optional fields are omitted</b> from the JSON; an explicit {@code null} is
 *     accepted too.</li>
 * <li><b>No secrets.</b> Credentials travel as references ({@code adminSecretRef}); a test
 *     fails on any record component named like a secret.</li>
 * </ul>
 */
package io.nais.pg.events;
