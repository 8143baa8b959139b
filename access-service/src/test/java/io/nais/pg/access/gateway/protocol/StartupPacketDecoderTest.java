package io.nais.pg.access.gateway.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StartupPacketDecoderTest {

    @Test
    void decodesStartupMessageSentOneByteAtATime() {
        EmbeddedChannel channel = new EmbeddedChannel(new StartupPacketDecoder(10_000));
        byte[] body = "user\0a@b.c\0database\0team-a/app\0application_name\0psql\0\0".getBytes(StandardCharsets.UTF_8);
        byte[] packet = Unpooled.buffer().writeInt(8 + body.length).writeInt(196608).writeBytes(body).array();
        for (int i = 0; i < 8 + body.length; i++) {
            channel.writeInbound(Unpooled.wrappedBuffer(packet, i, 1));
        }
        StartupPacket.StartupMessage message = channel.readInbound();
        assertThat(message.parameters()).containsEntry("user", "a@b.c").containsEntry("database", "team-a/app")
                .containsEntry("application_name", "psql");
    }

    @Test
    void decodesSslAndCancelRequests() {
        EmbeddedChannel channel = new EmbeddedChannel(new StartupPacketDecoder(10_000));
        channel.writeInbound(Unpooled.buffer().writeInt(8).writeInt(80877103));
        assertThat((Object) channel.readInbound()).isInstanceOf(StartupPacket.SslRequest.class);
        channel.writeInbound(Unpooled.buffer().writeInt(16).writeInt(80877102).writeInt(7).writeInt(9));
        StartupPacket.CancelRequest cancel = channel.readInbound();
        assertThat(cancel.key()).isEqualTo(new CancelKey(7, 9));
        assertThat(cancel.key().toString()).doesNotContain("9");
    }

    @Test
    void refusesLengthsOutsideLimitsBeforeBuffering() {
        EmbeddedChannel channel = new EmbeddedChannel(new StartupPacketDecoder(10_000));
        assertThatThrownBy(() -> channel.writeInbound(Unpooled.buffer().writeInt(10_001).writeInt(196608)))
                .isInstanceOf(DecoderException.class).hasCauseInstanceOf(ProtocolViolation.class);
    }
}
