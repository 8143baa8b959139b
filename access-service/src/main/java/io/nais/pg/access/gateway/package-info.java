/**
 * The Postgres gateway: lets a person into a team's cluster with their
 * short-lived login token, as their own role, and ends the session when their
 * access ends. Modelled on Teleport's Postgres engine (the gateway completes the
 * client's handshake itself, then logs in to the cluster with a certificate it
 * mints) and on cloud-sql-proxy (connection limits, drain, readiness).
 *
 * <h2>Handshake</h2>
 * <pre>
 *  client (psql, pgjdbc, nais proxy)        gateway                               cluster
 *    |-- SSLRequest ------------------------->|                                      |
 *    |<------------------------------- 'S' ---|   (GSSENCRequest -> 'N';             |
 *    |== TLS (gateway certificate) ==========>|    plaintext StartupMessage ->       |
 *    |-- StartupMessage --------------------->|    ErrorResponse 28000, close)       |
 *    |     user=&lt;email&gt; database=&lt;team&gt;/&lt;app&gt; |                                      |
 *    |<---------- AuthenticationCleartextPassword                                     |
 *    |-- PasswordMessage(&lt;JWT&gt;) --------------->|  startup:   parse, TLS required     |
 *    |                                        |  authenticate: JWT (JWKS, iss, aud,  |
 *    |                                        |     exp/nbf, alg allow-list), identity|
 *    |                                        |     claim == user                     |
 *    |                                        |  authorise: AccessDirectory: member   |
 *    |                                        |     of team or active DBA grant;      |
 *    |                                        |     level: read or write              |
 *    |                                        |  connect: mint client cert CN=&lt;role&gt; |
 *    |                                        |-- SSLRequest ----------------------->|
 *    |                                        |<-------------------------------- 'S' |
 *    |                                        |== TLS + client certificate =========>|
 *    |                                        |-- StartupMessage user=&lt;role&gt;        |
 *    |                                        |     database=&lt;application db&gt; ---->|
 *    |                                        |<-- AuthenticationOk (pg_hba: cert) --|
 *    |                                        |<-- ParameterStatus*, BackendKeyData, |
 *    |                                        |    ReadyForQuery --------------------|
 *    |<-- AuthenticationOk, ParameterStatus*, |  make ready: the client gets the     |
 *    |    BackendKeyData(gateway's own key),  |     gateway's own random cancel key; |
 *    |    ReadyForQuery ----------------------|     the backend's key stays here     |
 *    |&lt;=============== relay: raw bytes both ways, backpressure ===================&gt;|
 *    |                                        |                                      |
 *    |   AccessRevoked(cluster, email) -----> |-- ErrorResponse 57P01 FATAL, close -->|
 * </pre>
 * Any refusal is an ErrorResponse (28000, 28P01, 3D000, 08P01, 53300, 57P03 — also when the
 * statement-audit spool is full under {@code refuse-new-sessions}) and close, plus an audit
 * record with the reason, never the token:
 * <ul>
 *   <li><b>Before the token is verified</b> (TLS required, protocol violation, connection limit,
 *       a missing, malformed, expired, forged or foreign token): an UnauthenticatedLoginRefused
 *       with the client address and reason only (key {@code gateway}). The user and database the
 *       client typed are claims; recording them would let anyone write a denied login of any
 *       person into any team's hash-chained trail. Rate-limited
 *       ({@link io.nais.pg.access.gateway.auth.RefusalThrottle}: one record per address and
 *       reason per minute, the next one counting those held back) and counted
 *       ({@code nais.gateway.login.unauthenticated.refused}, {@code ...held-back}).</li>
 *   <li><b>After</b>: a LoginDenied of the token's (verified) person, on the requested cluster
 *       when the directory knows it (a cluster id that does not exist names no team).</li>
 * </ul>
 *
 * <h2>Decisions</h2>
 * <ul>
 *   <li><b>Access level by login role.</b> The startup user {@code <email>/ro} asks for a read-only session,
 *       {@code <email>} for the person's default level; the token must name {@code <email>} either way. The
 *       {@link io.nais.pg.access.gateway.auth.Authoriser} decides: a read-only ask is always read; otherwise a
 *       member writes, unless the team is in {@code nais.access.gateway.read-only-teams}, where only an active
 *       DBA grant writes and a member without one reads. The gateway then logs in to the cluster as the role
 *       of that level ({@link io.nais.pg.access.AccessLevel}: {@code <email>} in {@code nais_human_write},
 *       {@code <email>/ro} in {@code nais_human_read}), so what the session may do is the role's privileges,
 *       and nothing the client says inside the session changes them. Why the user name and not a startup
 *       parameter of our own: every client can set the user (psql, pgjdbc, a proxy), while an unknown
 *       parameter a client put in {@code options} would reach the cluster as a harmless setting and the
 *       person would write believing they could not. SessionOpened carries the level.</li>
 *   <li><b>Database name = cluster id.</b> A client asks for {@code dbname=<team>/<app>}
 *       (e.g. {@code team-a/demo-app}); the gateway connects to that cluster's
 *       application database (the {@code database} of the cluster's
 *       ClusterDiscovered event). Other startup parameters
 *       ({@code application_name}, {@code options}, {@code DateStyle}, ...) pass through.</li>
 *   <li><b>Cleartext password inside TLS.</b> The token must reach the gateway to be
 *       verified; TLS is mandatory, so "cleartext" never crosses the network in clear.
 *       The token is never forwarded to the cluster, logged or put in an event.</li>
 *   <li><b>No human password anywhere.</b> The cluster trusts the gateway's client root for
 *       {@code +nais_human} with {@code cert} auth; the CN is the role name (the email).
 *       The gateway holds only a short-lived intermediate under that root (read again
 *       when cert-manager renews its files), and each certificate carries it; a
 *       certificate lives minutes, never past the intermediate, and is reused per person
 *       for two thirds of that ({@link io.nais.pg.access.gateway.backend.ClientCertificates}).</li>
 *   <li><b>Own cancel keys.</b> Clients can only cancel through keys the gateway handed
 *       out; unknown keys are dropped silently, as PostgreSQL does.</li>
 *   <li><b>Relay without framing.</b> After ReadyForQuery bytes are relayed as they
 *       come (no parsing, no copy); only the headers of server messages are followed
 *       ({@link io.nais.pg.access.gateway.protocol.MessageBoundary}) so a revocation
 *       can tell the client why without cutting a message in half. Both connections
 *       share one event loop; backpressure toggles auto-read on high/low water marks.</li>
 *   <li><b>Statement audit taps the client's stream.</b> The client-to-cluster direction is
 *       followed by {@link io.nais.pg.access.gateway.audit.StatementTap} (headers, plus bounded
 *       prefixes of Query/Parse/Bind/Execute/Close/FunctionCall bodies, read in place), and the
 *       type of each server message, so what is recorded is what the server ran; statements go to a
 *       bounded asynchronous batcher that sends to Kafka or spools to disk, so the relay never
 *       waits on Kafka. Design in {@code io.nais.pg.access.gateway.audit}.</li>
 *   <li><b>Log context.</b> Handshake steps run with MDC {@code cluster} and {@code person};
 *       relay failures and session ends add {@code session}. The relay's read path sets none:
 *       it logs nothing and is the hot path.</li>
 *   <li><b>Blocking steps off the event loop.</b> Token checks (JWKS fetch), directory
 *       reads and outbox writes run on a small executor.</li>
 *   <li><b>Revocation.</b> Provisioning terminates the backends on the cluster
 *       ({@code pg_terminate_backend}, reaches every replica); the gateway also ends the
 *       sessions it relays on AccessRevoked ({@link io.nais.pg.access.gateway.AccessRevocations}:
 *       provisioning runs in another process and announces it on its own topic, which every
 *       gateway replica reads in a consumer group of its own), so the client learns why.</li>
 *   <li><b>No admin credential here.</b> The gateway runs as its own process
 *       ({@code nais.access.mode=gateway}, {@link io.nais.pg.access.AccessMode}): it never
 *       resolves a cluster's admin secret, runs no migration, and reads the directory
 *       through a database role that can only SELECT it and INSERT its audit events
 *       into the outbox ({@code V19__gateway_reader_role.sql}). It needs the client CA,
 *       to mint per-login certificates, and nothing else secret beyond its own TLS key.</li>
 *   <li><b>Each phase is given what it uses.</b> {@code ClientHandshake} runs the phases of one
 *       connection; {@code LoginCheck} (authenticate and authorise, off the event loop),
 *       {@code BackendConnector} (connect), {@code SessionStart} (make ready: register, announce,
 *       audit, end at token expiry) and {@code RefusalRecords} (a refusal's audit record) each hold
 *       only their own collaborators, wired once by {@link io.nais.pg.access.gateway.GatewayServer},
 *       so a reader sees who calls whom. The gateway reads only the directory's query interface
 *       ({@link io.nais.pg.access.directory.AccessDirectory}) and never provisioning.</li>
 * </ul>
 */
package io.nais.pg.access.gateway;
