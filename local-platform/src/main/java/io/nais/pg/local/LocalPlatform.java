package io.nais.pg.local;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The launcher behind {@code bin/local-platform}: the whole platform on one
 * machine, from this checkout, with real Kafka, PostgreSQL, OIDC and S3 from
 * test-support and the four services as separate processes.
 *
 * <pre>
 * up                                   start everything, wait for Ctrl-C
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
                case "up" -> new PlatformUp(root, state).run();
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

    private static void usage() {
        System.err.println("""
                usage: bin/local-platform up
                       bin/local-platform token <email> [--groups g1,g2]
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
