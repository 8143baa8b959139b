package io.nais.pg.access.gateway.backend;

import io.nais.pg.access.gateway.protocol.CancelKey;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;

/**
 * A backend connection logged in and idle: the messages the client must see
 * before it may send queries (ParameterStatus and notices, then ReadyForQuery),
 * and the backend's own cancel key, which the client never sees.
 *
 * @param statusMessages every message between AuthenticationOk and ReadyForQuery except BackendKeyData
 * @param readyForQuery  the ReadyForQuery message
 */
public record BackendReady(Channel channel, CancelKey backendKey, ByteBuf statusMessages, ByteBuf readyForQuery) {
}
