package io.nais.pg.cli;

/**
 * Every exit status {@code nais} returns. The README's table and the
 * {@code --help} footer are generated from this enum, so they cannot drift.
 * {@code nais postgres psql} is the exception: it returns psql's own status.
 */
public enum ExitCode {
    OK(0, "success"),
    FAILED(1, "unexpected error (the message says what failed)"),
    USAGE(2, "invalid command line: unknown command, flag or value"),
    CONFIG(3, "configuration missing or invalid (issuer, client id, gateway, team)"),
    NOT_LOGGED_IN(4, "not logged in, or the login expired and could not be renewed: run `nais auth login`"),
    GATEWAY_UNREACHABLE(5, "the gateway or the issuer could not be reached"),
    ACCESS_DENIED(6, "the gateway refused access (not a member, token rejected); its message is shown"),
    UNKNOWN_TARGET(7, "unknown app or team"),
    PORT_IN_USE(8, "the local port is already in use"),
    PSQL_MISSING(9, "psql is not installed (install the postgresql-client package)"),
    DATABASE_UNREACHABLE(10, "`postgres migrate`: the source or target database is unreachable or refused the login"),
    MIGRATION_BLOCKED(11, "`postgres migrate`: the plan has blockers (printed); nothing was changed"),
    MIGRATION_FAILED(12, "`postgres migrate`: the copy or replication failed; the message says how to re-run"),
    VERIFICATION_FAILED(13, "`postgres migrate`: the target differs from the source (the report names the tables)"),
    INTERRUPTED(130, "interrupted (Ctrl-C) before the command finished");

    private final int status;
    private final String meaning;

    ExitCode(int status, String meaning) {
        this.status = status;
        this.meaning = meaning;
    }

    public int status() {
        return status;
    }

    public String meaning() {
        return meaning;
    }

    /** The Markdown table in cli/README.md ({@code ExitCodeDocumentationTest} keeps it equal). */
    public static String markdownTable() {
        StringBuilder table = new StringBuilder("| code | meaning |\n|---|---|\n");
        for (ExitCode code : values()) {
            table.append("| ").append(code.status).append(" | ").append(code.meaning).append(" |\n");
        }
        table.append("| other | `nais postgres psql` returns psql's own exit status |\n");
        return table.toString();
    }
}
