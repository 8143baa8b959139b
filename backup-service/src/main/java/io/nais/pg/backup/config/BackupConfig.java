package io.nais.pg.backup.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.nais.pg.kit.identity.CallerSettings;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Everything backup-service reads from configuration ({@code nais.backup.*}).
 * Secrets (the S3 secret key, the age identity) are read here but never
 * logged: nothing in the service prints this mapping.
 */
@ConfigMapping(prefix = "nais.backup")
public interface BackupConfig {

    /**
     * {@code backup}, {@code verify} or {@code all} (development and tests): see {@link RunMode}.
     * No default: a Deployment says which half it is.
     */
    RunMode mode();

    Schedule schedule();

    Storage storage();

    Encryption encryption();

    Retention retention();

    Verification verification();

    Dump dump();

    Api api();

    Migration migration();

    interface Schedule {
        /** Quartz cron of the nightly run; {@code off} disables it. */
        @WithDefault("0 0 1 * * ?")
        String cron();

        /** Each cluster starts at a random delay in [0, jitter) after the cron fires, to spread the night. */
        @WithDefault("PT3H")
        Duration jitter();

        /** How many backups this replica runs at once; the rest wait in line. */
        @WithDefault("2")
        int maxConcurrent();

        /** Attempts of one scheduled or requested backup, the first included. */
        @WithDefault("4")
        int maxAttempts();

        /** Delay before the 2nd attempt; doubles for each further one. */
        @WithDefault("PT5M")
        Duration retryBackoff();

        /** A RUNNING run older than this is taken as abandoned (its replica died) and marked FAILED. */
        @WithDefault("PT12H")
        Duration maxDuration();

        /** BackupOverdue fires for a cluster with no successful backup for this long. */
        @WithDefault("PT26H")
        Duration overdueAfter();

        /** How often the overdue watch looks. */
        @WithDefault("5m")
        String overdueCheckEvery();
    }

    interface Storage {
        /** S3 endpoint of a non-AWS store; absent means AWS itself. */
        Optional<URI> endpoint();

        String bucket();

        @WithDefault("us-east-1")
        String region();

        String accessKeyId();

        String secretAccessKey();

        /** Path-style addressing ({@code endpoint/bucket/key}): what most non-AWS stores need. */
        @WithDefault("true")
        boolean pathStyle();

        /** Key prefix of every object this service writes, e.g. {@code prod/}; none by default. */
        Optional<String> prefix();

        /**
         * Size of one multipart part and of one buffer; S3's minimum is 5 MiB. Small parts keep
         * the tail short (the last part uploads after pg_dump ends); S3 allows 10,000 parts, so
         * 8 MiB caps a dump at 78 GiB: raise it for larger databases.
         */
        @WithDefault("8388608")
        int partSize();

        /** Parts uploaded concurrently per backup; memory is partSize × (uploadsInFlight + 1). */
        @WithDefault("2")
        int uploadsInFlight();
    }

    interface Encryption {
        /** age X25519 recipients ({@code age1…}); a dump is readable by any one of their identities. Backup mode. */
        Optional<List<String>> recipients();

        /**
         * File with age identities ({@code AGE-SECRET-KEY-1…}, age-keygen format); needed to verify and
         * restore, so verify mode only: backup mode refuses to start with one.
         */
        Optional<Path> identityFile();
    }

    interface Retention {
        @WithDefault("7")
        int daily();

        @WithDefault("4")
        int weekly();

        @WithDefault("6")
        int monthly();

        /** When retention runs; {@code off} disables it. */
        @WithDefault("0 0 7 * * ?")
        String cron();

        /**
         * A multipart upload of a dump started longer ago than this is abandoned (its replica
         * died mid-backup) and is aborted. Must exceed {@code schedule.max-duration}, so that a
         * backup still running on another replica is never cut off.
         */
        @WithDefault("PT24H")
        Duration abandonedUploadAge();

        /** When abandoned uploads are swept; {@code off} disables it. */
        @WithDefault("0 30 * * * ?")
        String abandonedUploadCron();
    }

    interface Verification {
        /** When the newest backup of each cluster is restored and checked; {@code off} disables it. */
        @WithDefault("0 0 9 * * ?")
        String cron();

        /** The scratch PostgreSQL that verification restores into (never a team's cluster). */
        Optional<String> scratchHost();

        @WithDefault("5432")
        int scratchPort();

        /** Maintenance database of the scratch cluster, where scratch databases are created and dropped. */
        @WithDefault("postgres")
        String scratchDatabase();

        /** {@code file:} or {@code k8s:} reference to the scratch cluster's admin credentials. */
        Optional<String> scratchAdminSecretRef();
    }

    /** Who may use the API: see {@code io.nais.pg.backup.access}; the keys are every service's. */
    interface Api extends CallerSettings {
    }

    interface Dump {
        /** Directory of pg_dump and pg_restore; by default {@code pg_config --bindir}, else the highest {@code /usr/lib/postgresql/<v>/bin}. */
        Optional<Path> binDir();
    }

    /** Migrations into a team's cluster run here ({@code io.nais.pg.backup.migrate}), verify mode only. */
    interface Migration {
        /**
         * Networks a migration's source host may not resolve into: the service's own loopback, link-local
         * (the cloud metadata address 169.254.169.254) and "this network". Deployments add the cluster's pod
         * and service ranges, so a person's URL cannot aim the service's connections at the platform itself.
         */
        @WithDefault("127.0.0.0/8,::1/128,169.254.0.0/16,fe80::/10,0.0.0.0/8")
        List<String> refusedSourceNetworks();

        /** Migrations this process runs at once; a further request is refused with 429 (the person retries). */
        @WithDefault("2")
        int maxConcurrent();
    }
}
