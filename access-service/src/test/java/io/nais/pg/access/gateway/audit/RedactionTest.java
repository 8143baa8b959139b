package io.nais.pg.access.gateway.audit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RedactionTest {

    @Test
    void passwordLiteralsOfRoleStatementsAreMasked() {
        assertThat(Redaction.redact("ALTER ROLE \"a@b.c\" PASSWORD 'hunter2' VALID UNTIL 'infinity'", false))
                .isEqualTo("ALTER ROLE \"a@b.c\" PASSWORD '***' VALID UNTIL 'infinity'");
        assertThat(Redaction.redact("create role x login encrypted password 'SCRAM-SHA-256$4096:abc'", false))
                .isEqualTo("create role x login encrypted password '***'");
    }

    @Test
    void escapedDollarQuotedAndOptionPasswordsAreMasked() {
        assertThat(Redaction.redact("ALTER ROLE x PASSWORD E'it''s\\'hunter2' LOGIN", false))
                .isEqualTo("ALTER ROLE x PASSWORD '***' LOGIN");
        assertThat(Redaction.redact("ALTER ROLE x PASSWORD $q$hunter2$q$", false)).isEqualTo("ALTER ROLE x PASSWORD '***'");
        assertThat(Redaction.redact("CREATE USER MAPPING FOR me SERVER s OPTIONS (user 'u', password 'hunter2')", false))
                .isEqualTo("CREATE USER MAPPING FOR me SERVER s OPTIONS (user 'u', password '***')");
        assertThat(Redaction.redact("select set_config('x.secret' , 'v', false); alter role x password = 'p'", false))
                .isEqualTo("select set_config('x.secret' , 'v', false); alter role x password = '***'");
    }

    @Test
    void aPasswordLiteralCutByTruncationIsMaskedToTheEnd() {
        assertThat(Redaction.redact("ALTER ROLE x PASSWORD 'hunter", true)).isEqualTo("ALTER ROLE x PASSWORD '***'");
    }

    /** Hole 4 of issue 18: the words in a comment opened a "literal" that hid the statement after it. */
    @Test
    void aKeywordInACommentNeverHidesTheStatementsAfterIt() {
        String sql = "select 1; /* secret $$ */ delete from t; -- $$";

        assertThat(Redaction.redact(sql, false)).isEqualTo(sql);
        assertThat(Redaction.redact("select 1; -- password $$\ndrop table t; -- $$", false))
                .isEqualTo("select 1; -- password $$\ndrop table t; -- $$");
        assertThat(Redaction.redact("select 'password', $$secret$$; delete from t; select $$ $$", false))
                .isEqualTo("select 'password', $$secret$$; delete from t; select $$ $$");
    }

    @Test
    void onlyALiteralThatClosesWhereTheServerClosesItIsMasked() {
        // standard_conforming_strings: the backslash does not escape, so the literal ends at 'x\'
        assertThat(Redaction.redact("alter role x password 'x\\'; delete from t; -- '", false))
                .isEqualTo("alter role x password '***'; delete from t; -- '");
        // a dollar quote that never closes in a whole text is not a literal to mask to the end
        assertThat(Redaction.redact("alter role x password $$ ; delete from t", false))
                .isEqualTo("alter role x password $$ ; delete from t");
    }

    @Test
    void ordinaryStatementsAreUntouched() {
        String sql = "select abalance from pgbench_accounts where aid = 42";
        assertThat(Redaction.redact(sql, false)).isSameAs(sql);
    }
}
