package io.nais.pg.kit.identity;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.Json;
import jakarta.json.JsonValue;

import org.junit.jupiter.api.Test;

class EmailVerificationTest {

    @Test
    void trueInEveryShapeATokenLibraryGivesIsAccepted() {
        assertThat(EmailVerification.accepts(Boolean.TRUE, true)).isTrue();
        assertThat(EmailVerification.accepts(JsonValue.TRUE, true)).isTrue();
        assertThat(EmailVerification.accepts("true", true)).isTrue();
        assertThat(EmailVerification.accepts(Json.createValue("true"), true)).isTrue();
    }

    @Test
    void falseIsRefusedEvenWhenTheClaimIsNotRequired() {
        assertThat(EmailVerification.accepts(Boolean.FALSE, true)).isFalse();
        assertThat(EmailVerification.accepts(Boolean.FALSE, false)).isFalse();
        assertThat(EmailVerification.accepts(JsonValue.FALSE, false)).isFalse();
        assertThat(EmailVerification.accepts("yes", false)).isFalse();
    }

    @Test
    void anAbsentClaimPassesOnlyWhenNotRequired() {
        assertThat(EmailVerification.accepts(null, true)).isFalse();
        assertThat(EmailVerification.accepts(null, false)).isTrue();
    }
}
