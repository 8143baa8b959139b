package io.nais.pg.backup.restore;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

class RowDifferenceTest {

    @Test
    void equalCountsHaveNoDifference() {
        assertThat(DatabaseRestorer.difference(Map.of("public.a", 3L), Map.of("public.a", 3L))).isEmpty();
    }

    @Test
    void everyMissingExtraOrDifferentTableIsNamed() {
        String difference = DatabaseRestorer.difference(
                Map.of("public.a", 3L, "public.b", 5L, "public.c", 1L),
                Map.of("public.a", 3L, "public.b", 4L, "public.d", 0L));
        assertThat(difference).isEqualTo("public.b: dumped 5, restored 4; public.c: dumped 1, restored none; "
                + "public.d: dumped none, restored 0");
    }
}
