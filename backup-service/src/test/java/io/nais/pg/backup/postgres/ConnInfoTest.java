package io.nais.pg.backup.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConnInfoTest {

    @Test
    void databaseNamesWithSpacesQuotesAndEqualsStayOneValue() {
        String conninfo = new ConnInfo("127.0.0.1", 5432, "o'rders = db\\x", "postgres").toConnectionString();
        assertThat(conninfo).isEqualTo("host='127.0.0.1' port=5432 dbname='o\\'rders = db\\\\x' user='postgres' sslmode=prefer");
    }
}
