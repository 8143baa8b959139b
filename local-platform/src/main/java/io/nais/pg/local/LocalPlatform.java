package io.nais.pg.local;

import io.nais.pg.testsupport.process.ChildJvm;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The launcher behind {@code bin/local-platform}: the whole platform on one
 * machine, from this checkout, with real Kafka, PostgreSQL, OIDC and S3 from
 * test-support and the four services as separate processes.
 *
 * <pre>
 * up [--replicas N] [--brokers M]      start everything (N instances of each service, M Kafka brokers), wait for Ctrl-C
 * down                                 stop a running platform (what Ctrl-C does), wait until it is gone
 * token &lt;email&gt; [--groups g1,g2]      print a token from the local issuer
 * add-member &lt;team&gt; &lt;email&gt;           publish TeamMemberAdded
 * remove-member &lt;team&gt; &lt;email&gt;        publish TeamMemberRemoved
 * </pre>
 */
public final class LocalPlatform {

    private LocalPlatform() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(System.getProperty("nais.repo.root", ".")).toAbsolutePath().normalize();
        LocalState state = new LocalState(Path.of(System.getProperty("nais.local.state", root.resolve(".local").toString())));
        List<String> rest = args.length == 0 ? List.of() : Arrays.asList(args).subList(1, args.length);
        String command = args.length == 0 ? "help" : args[0];
        try {
            switch (command) {
                case "up" -> {
                    runLikeProduction();
                    new PlatformUp(root, state, PlatformUp.Shape.parse(rest)).run();
                }
                case "down" -> Commands.down(state);
                case "token" -> Commands.token(state, rest);
                case "add-member" -> Commands.membership(state, rest, true);
                case "remove-member" -> Commands.membership(state, rest, false);
                default -> usage();
            }
        } catch (UsageException e) {
            System.err.println("local-platform: " + e.getMessage());
            usage();
            System.exit(2);
        }
    }

    /**
     * The platform runs for hours, like production: its broker, issuer, S3 and services get the
     * JVM's full tiered JIT, not the C1-only fast start tests give their children, whose code
     * costs several times the CPU under sustained load (audit events through the broker, every
     * relayed byte through the gateway). Tiered compilation starts in C1 too, so start-up
     * barely changes. An explicit {@code -Dnais.child-jvm.tuning} still wins.
     */
    private static void runLikeProduction() {
        if (System.getProperty(ChildJvm.TUNING_PROPERTY) == null) {
            System.setProperty(ChildJvm.TUNING_PROPERTY, "throughput");
        }
    }

    private static void usage() {
        System.err.println("""
                usage: bin/local-platform up [--replicas N] [--brokers M]
                       bin/local-platform down
                       bin/local-platform token <email> [--groups g1,g2] [--lifetime 1h]
                       bin/local-platform add-member <team> <email>
                       bin/local-platform remove-member <team> <email>
                       bin/local-platform demo""");
    }

    /** A command line that cannot be run as given. */
    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }
}
