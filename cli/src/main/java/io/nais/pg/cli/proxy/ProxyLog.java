package io.nais.pg.cli.proxy;

import java.io.PrintWriter;
import java.util.function.Supplier;

/** What the proxy tells the person running it. Never given a token. */
public interface ProxyLog {

    /**
     * Sessions opening and closing: shown with --verbose. A supplier, so that a log that shows
     * nothing ({@code nais postgres psql}'s) costs nothing on the connection's way to its relay.
     */
    void connection(Supplier<String> message);

    /** Something a client could not get past (also told to that client as an ErrorResponse). */
    void problem(String message);

    static ProxyLog to(PrintWriter err, boolean verbose) {
        return new ProxyLog() {
            @Override
            public void connection(Supplier<String> message) {
                if (verbose) {
                    print(message.get());
                }
            }

            @Override
            public void problem(String message) {
                print(message);
            }

            private void print(String message) {
                synchronized (err) {
                    err.println("nais proxy: " + message);
                    err.flush();
                }
            }
        };
    }

    /** For `nais postgres psql`: psql itself shows the client-facing errors. */
    static ProxyLog quiet() {
        return new ProxyLog() {
            @Override
            public void connection(Supplier<String> message) {
            }

            @Override
            public void problem(String message) {
            }
        };
    }
}
