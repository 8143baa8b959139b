package io.nais.pg.access.gateway.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The spool on a real directory. */
class AuditSpoolTest {

    @TempDir
    Path directory;

    @Test
    void recordsComeBackInOrderAcrossSegmentsAndARestart() {
        AuditSpool spool = new AuditSpool(directory, 1_000_000, 200);
        assertThat(spool.append(records(0, 10))).isEqualTo(10);
        spool.close();

        AuditSpool reopened = new AuditSpool(directory, 1_000_000, 200);
        assertThat(reopened.append(records(10, 15))).isEqualTo(5);
        List<String> values = new ArrayList<>();
        while (!reopened.isEmpty()) {
            Path oldest = reopened.oldest();
            reopened.read(oldest).forEach(r -> values.add(new String(r.value(), StandardCharsets.UTF_8)));
            reopened.delete(oldest);
        }
        assertThat(values).containsExactlyElementsOf(IntStream.range(0, 15).mapToObj(i -> "event-" + i).toList());
    }

    @Test
    void aFullSpoolStoresOnlyWhatFitsAndTakesMoreOnceDrained() {
        AuditSpool spool = new AuditSpool(directory, 100, 1_000);
        int stored = spool.append(records(0, 10));
        assertThat(stored).isBetween(1, 9);
        assertThat(spool.bytes()).isLessThanOrEqualTo(100);

        spool.delete(spool.oldest());
        assertThat(spool.isEmpty()).isTrue();
        assertThat(spool.append(records(0, 1))).isEqualTo(1);
    }

    @Test
    void aTornLastRecordEndsTheSegment() throws Exception {
        AuditSpool spool = new AuditSpool(directory, 1_000_000, 1_000_000);
        spool.append(records(0, 3));
        Path segment = spool.oldest();
        byte[] bytes = Files.readAllBytes(segment);
        Files.write(segment, java.util.Arrays.copyOf(bytes, bytes.length - 3));

        assertThat(spool.read(segment)).hasSize(2);
    }

    @Test
    void aSecondSpoolOnTheSameDirectoryIsRefusedUntilTheFirstCloses() {
        AuditSpool first = new AuditSpool(directory, 1_000_000, 1_000);
        assertThatThrownBy(() -> new AuditSpool(directory, 1_000_000, 1_000))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("in use by another gateway");
        first.close();

        AuditSpool second = new AuditSpool(directory, 1_000_000, 1_000);
        assertThat(second.append(records(0, 1))).isEqualTo(1);
        second.close();
    }

    private static List<SpoolRecord> records(int from, int to) {
        return IntStream.range(from, to)
                .mapToObj(i -> new SpoolRecord("team-a/demo-app", ("event-" + i).getBytes(StandardCharsets.UTF_8)))
                .toList();
    }
}
