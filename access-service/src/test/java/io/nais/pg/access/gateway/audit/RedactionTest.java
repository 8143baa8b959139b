package io.nais.pg.access.gateway.audit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RedactionTest {

    @Test
    void passwordLiteralsOfRoleStatementsAreMasked() {
        assertThat(Redaction.redact("ALTER ROLE \"a@b.c\" PASSWORD 'hunter2' VALID UNTIL 'infinity'"))
                .isEqualTo("ALTER ROLE \"a@b.c\" PASSWORD '***' VALID UNTIL 'infinity'");
        assertThat(Redaction.redact("create role x login encrypted password 'SCRAM-SHA-256$4096:abc'"))
                .isEqualTo("create role x login encrypted password '***'");
    }

    @Test
    void escapedDollarQuotedAndOptionPasswordsAreMasked() {
        assertThat(Redaction.redact("ALTER ROLE x PASSWORD E'it''s\\'secret'")).doesNotContain("secret");
        assertThat(Redaction.redact("ALTER ROLE x PASSWORD $q$hunter2$q$")).doesNotContain("hunter2");
        assertThat(Redaction.redact("CREATE USER MAPPING FOR me SERVER s OPTIONS (user 'u', password 'hunter2')"))
                .isEqualTo("CREATE USER MAPPING FOR me SERVER s OPTIONS (user 'u', password '***')");
    }

    @Test
    void aPasswordLiteralCutByTruncationIsMaskedToTheEnd() {
        assertThat(Redaction.redact("ALTER ROLE x PASSWORD 'hunter")).isEqualTo("ALTER ROLE x PASSWORD '***'");
    }

    @Test
    void ordinaryStatementsAreUntouched() {
        String sql = "select abalance from pgbench_accounts where aid = 42";
        assertThat(Redaction.redact(sql)).isSameAs(sql);
    }
}
