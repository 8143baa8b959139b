package io.nais.pg.access.gateway.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

class MessageBoundaryTest {

    @Test
    void followsMessagesSplitAtEveryPossibleByte() {
        ByteBuf stream = Unpooled.buffer();
        stream.writeByte('D').writeInt(4 + 10).writeBytes(new byte[10]);
        stream.writeByte('C').writeInt(4);
        stream.writeByte('Z').writeInt(5).writeByte('I');
        byte[] bytes = new byte[stream.readableBytes()];
        stream.readBytes(bytes);
        int[] boundaries = {15, 20, 26};
        for (int split = 0; split <= bytes.length; split++) {
            int at = split;
            MessageBoundary boundary = new MessageBoundary();
            boundary.advance(Unpooled.wrappedBuffer(bytes, 0, split));
            assertThat(boundary.atBoundary()).as("after %d bytes", split)
                    .isEqualTo(split == 0 || java.util.Arrays.stream(boundaries).anyMatch(b -> b == at));
            boundary.advance(Unpooled.wrappedBuffer(bytes, split, bytes.length - split));
            assertThat(boundary.atBoundary()).isTrue();
        }
    }
}
