package io.nais.pg.cli.migrate;

import io.nais.pg.cli.CliException;
import io.nais.pg.cli.ExitCode;
import io.nais.pg.cli.config.ConfigKey;
import io.nais.pg.migration.Migration;
import io.nais.pg.migration.MigrationException;
import io.nais.pg.migration.MigrationRequest;
import io.nais.pg.migration.connect.CredentialSource;
import io.nais.pg.migration.connect.Endpoint;
import io.nais.pg.migration.dump.PgTools;
import io.nais.pg.migration.plan.Mode;
import io.nais.pg.migration.report.MigrationEvents;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Function;

/** One run of {@link MigrateCommand}: resolves its options and maps failures to exit codes. */
final class MigrationRun {

    private final MigrateCommand command;

    MigrationRun(MigrateCommand command) {
        this.command = command;
    }

    int call() {
        String resolvedTeam = command.postgres.team(command.team);
        Function<String, String> environment = name -> command.postgres.nais().environment().get(name).orElse(null);
        MigrationRequest request = new MigrationRequest(resolvedTeam + "/" + command.app, endpoint(command.from, environment),
                endpoint(targetReference(resolvedTeam), environment), mode(), command.dryRun, command.cutover, command.force,
                command.applicationRole, duration(command.timeout));
        PrintWriter out = command.spec.commandLine().getOut();
        PrintWriter err = command.spec.commandLine().getErr();
        try {
            new Migration(request, PgTools.locate(environment), events(environment), out, err).run();
            if (command.dryRun) {
                out.println("dry run: no blockers; nothing was changed");
            }
            out.flush();
            return ExitCode.OK.status();
        } catch (MigrationException e) {
            throw new CliException(exitCode(e.failure()), e.getMessage());
        }
    }

    private String targetReference(String resolvedTeam) {
        if (command.to != null) {
            return command.to;
        }
        String variable = "CLUSTER_" + (resolvedTeam + "_" + command.app).toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_") + "_ADMIN_URL";
        if (command.postgres.nais().environment().get(variable).isEmpty()) {
            throw new CliException(ExitCode.CONFIG, "no target: pass --to or set " + variable);
        }
        return "env:" + variable;
    }

    private MigrationEvents events(Function<String, String> environment) {
        String bootstrap = command.postgres.nais().config().get(ConfigKey.KAFKA_BOOTSTRAP_SERVERS)
                .orElseGet(() -> environment.apply("KAFKA_BOOTSTRAP_SERVERS"));
        return bootstrap == null || bootstrap.isBlank() ? MigrationEvents.none() : MigrationEvents.kafka(bootstrap);
    }

    private static Endpoint endpoint(String reference, Function<String, String> environment) {
        try {
            return CredentialSource.resolve(reference, environment);
        } catch (MigrationException e) {
            throw new CliException(ExitCode.USAGE, e.getMessage());
        }
    }

    private Mode mode() {
        return switch (command.mode.toLowerCase(Locale.ROOT)) {
            case "dump" -> Mode.DUMP;
            case "replicate" -> Mode.REPLICATE;
            default -> throw new CliException(ExitCode.USAGE, "--mode must be dump or replicate, not '" + command.mode + "'");
        };
    }

    static Duration duration(String text) {
        String value = text.strip().toLowerCase(Locale.ROOT);
        try {
            long amount = Long.parseLong(value.replaceAll("[smh]$", ""));
            return switch (value.charAt(value.length() - 1)) {
                case 'h' -> Duration.ofHours(amount);
                case 'm' -> Duration.ofMinutes(amount);
                default -> Duration.ofSeconds(amount);
            };
        } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
            throw new CliException(ExitCode.USAGE, "--timeout must look like 90s, 30m or 2h, not '" + text + "'");
        }
    }

    static ExitCode exitCode(MigrationException.Failure failure) {
        return switch (failure) {
            case UNREACHABLE -> ExitCode.DATABASE_UNREACHABLE;
            case BLOCKED -> ExitCode.MIGRATION_BLOCKED;
            case VERIFICATION_FAILED -> ExitCode.VERIFICATION_FAILED;
            case COPY_FAILED -> ExitCode.MIGRATION_FAILED;
            case INVALID_INPUT -> ExitCode.USAGE;
        };
    }
}
