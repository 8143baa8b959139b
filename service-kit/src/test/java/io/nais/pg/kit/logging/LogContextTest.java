package io.nais.pg.kit.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;

import org.jboss.logging.MDC;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LogContextTest {

    @AfterEach
    void clear() {
        MDC.clear();
    }

    @Test
    void putsEventAndAggregateIdsIntoMdcForTheScopeOnly() {
        UUID eventId = UUID.randomUUID();

        try (var ignored = LogContext.forEvent(eventId, "corr-1").team("team-a").cluster("team-a/app").grant("g-1")) {
            assertThat(MDC.get(LogContext.EVENT_ID)).isEqualTo(eventId.toString());
            assertThat(MDC.get(LogContext.CORRELATION_ID)).isEqualTo("corr-1");
            assertThat(MDC.get(LogContext.TEAM)).isEqualTo("team-a");
            assertThat(MDC.get(LogContext.CLUSTER)).isEqualTo("team-a/app");
            assertThat(MDC.get(LogContext.GRANT)).isEqualTo("g-1");
        }

        assertThat(MDC.getMap()).isEmpty();
    }

    @Test
    void nestedContextRestoresTheOuterValues() {
        try (var outer = LogContext.open().team("team-a").cluster("team-a/one")) {
            try (var inner = LogContext.open().cluster("team-a/two")) {
                assertThat(MDC.get(LogContext.CLUSTER)).isEqualTo("team-a/two");
                assertThat(MDC.get(LogContext.TEAM)).isEqualTo("team-a");
            }
            assertThat(MDC.get(LogContext.CLUSTER)).isEqualTo("team-a/one");
        }
        assertThat(MDC.get(LogContext.CLUSTER)).isNull();
    }
}
