package io.nais.pg.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The quoting rules on hostile names; test-support's {@code QuoteAgainstPostgresTest} runs them through a server. */
class QuoteTest {

    @Test
    void identifierDoublesEmbeddedQuotesAndKeepsEverythingElse() {
        assertThat(Quote.identifier("plain")).isEqualTo("\"plain\"");
        assertThat(Quote.identifier("a\"; DROP TABLE t; --")).isEqualTo("\"a\"\"; DROP TABLE t; --\"");
        assertThat(Quote.identifier("back\\slash and space")).isEqualTo("\"back\\slash and space\"");
        assertThat(Quote.identifier("smørbrød-ø")).isEqualTo("\"smørbrød-ø\"");
        assertThat(Quote.qualified("s\"x", "t")).isEqualTo("\"s\"\"x\".\"t\"");
    }

    @Test
    void literalDoublesSingleQuotesOnly() {
        assertThat(Quote.literal("it's \\ \"fine\"")).isEqualTo("'it''s \\ \"fine\"'");
    }

    @Test
    void conninfoValueEscapesBackslashAndQuoteSoSpacesAndEqualsStayInside() {
        assertThat(Quote.conninfoValue("db name=x' host=evil\\")).isEqualTo("'db name=x\\' host=evil\\\\'");
        assertThat(Quote.conninfoValue("")).isEqualTo("''");
    }

    @Test
    void nulIsRefusedEverywhere() {
        assertThatThrownBy(() -> Quote.identifier("a\0b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Quote.literal("a\0b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Quote.conninfoValue("a\0b")).isInstanceOf(IllegalArgumentException.class);
    }
}
