package io.nais.pg.bench.gateway;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.Arrays;
import java.util.Properties;

/**
 * Connection set-up latency with pgjdbc, for {@code bench/gateway-pgbench.sh}:
 * connect, {@code select 1}, close, sequentially; prints p50/p99 in ms.
 * Usage: {@code url user password warmup count}.
 */
public final class ConnectionSetupBench {

    private ConnectionSetupBench() {
    }

    public static void main(String[] args) throws Exception {
        String url = args[0];
        Properties properties = new Properties();
        properties.setProperty("user", args[1]);
        properties.setProperty("password", args[2]);
        int warmup = Integer.parseInt(args[3]);
        int count = Integer.parseInt(args[4]);
        for (int i = 0; i < warmup; i++) {
            once(url, properties);
        }
        double[] millis = new double[count];
        for (int i = 0; i < count; i++) {
            long start = System.nanoTime();
            once(url, properties);
            millis[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(millis);
        System.out.printf("p50=%.2f p99=%.2f%n", millis[count / 2], millis[(int) Math.ceil(count * 0.99) - 1]);
    }

    private static void once(String url, Properties properties) throws Exception {
        try (Connection c = DriverManager.getConnection(url, properties);
             ResultSet rs = c.createStatement().executeQuery("select 1")) {
            rs.next();
        }
    }
}
