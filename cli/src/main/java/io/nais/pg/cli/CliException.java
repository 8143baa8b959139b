package io.nais.pg.cli;

/**
 * A failure with a message written for the person at the terminal and the
 * exit status that classifies it. The message must never contain a token.
 */
public class CliException extends RuntimeException {

    private final ExitCode exitCode;

    public CliException(ExitCode exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public CliException(ExitCode exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public ExitCode exitCode() {
        return exitCode;
    }

    public static CliException notLoggedIn(String why) {
        return new CliException(ExitCode.NOT_LOGGED_IN, why + " Run: nais auth login");
    }
}
