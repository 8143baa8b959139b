package io.nais.pg.testsupport.kafka;

import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;

/**
 * Main class of the broker's child JVM: formats the storage with Kafka's own
 * {@code kafka.tools.StorageTool}, then runs {@code kafka.Kafka}, in one JVM.
 * A separate JVM for the format step cost about a second and a half of a
 * five-second cold start. Reflection only: this class is compiled against the
 * JDK, the broker's jars are on the child's classpath alone.
 *
 * <p>Arguments: {@code <cluster-id> <server.properties>}.
 */
public final class FormatThenRun {

    private FormatThenRun() {
    }

    public static void main(String[] args) throws Throwable {
        String clusterId = args[0];
        String config = args[1];
        try {
            int code = (int) Class.forName("kafka.tools.StorageTool")
                    .getMethod("execute", String[].class, PrintStream.class)
                    .invoke(null, new String[] {"format", "--cluster-id", clusterId, "--config", config, "--ignore-formatted"}, System.out);
            if (code != 0) {
                System.err.println("kafka.tools.StorageTool format exited with " + code);
                System.exit(code);
            }
            Class.forName("kafka.Kafka").getMethod("main", String[].class).invoke(null, (Object) new String[] {config});
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
