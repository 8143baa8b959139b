/**
 * The local proxy: one listener, a thread pair per client connection, an explicit limit.
 *
 * <pre>
 * client (loopback)            nais proxy                         gateway
 *   SSLRequest ------------->    'N'
 *   StartupMessage --------->                   TCP, SSLRequest --->
 *                                               <------------ 'S'
 *                                               TLS handshake (CA, host name)
 *                                               StartupMessage user=&lt;email&gt;
 *                                                 database=&lt;team&gt;/&lt;app&gt; ->
 *                                               <-- AuthenticationCleartextPassword
 *                                               PasswordMessage(token) ->
 *                                               <-- AuthenticationOk, …, ReadyForQuery
 *   <--- the login, in one write (AuthenticationOk … ReadyForQuery, or an ErrorResponse, untouched)
 *   <------------------------------- relay ---------------------------------------------------->
 *   CancelRequest (new conn) ->                 new TLS connection, CancelRequest ->
 * </pre>
 *
 * Failures of the proxy itself reach the client as FATAL ErrorResponses with a SQLSTATE
 * (28000, 08001, 53300, 08P01). After the login the proxy parses nothing: it relays bytes
 * and closes both sides when either closes. The trust store loads on another thread while
 * the listener binds (start-up time), and {@link io.nais.pg.cli.proxy.GatewayCheck} logs in
 * once at start so configuration errors end the command instead of every client.
 */
package io.nais.pg.cli.proxy;
