package io.nais.pg.backup.retention;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.nais.pg.backup.config.BackupConfig;
import io.nais.pg.backup.dump.ObjectKeys;
import io.nais.pg.backup.storage.ObjectStore;
import io.nais.pg.backup.storage.ObjectStore.IncompleteUpload;
import io.nais.pg.backup.config.ModeSkips;
import io.quarkus.scheduler.Scheduled;

/**
 * Aborts multipart uploads under the backup prefix that were started longer
 * ago than {@code nais.backup.retention.abandoned-upload-age}: a replica that
 * died mid-backup, or lost the store while aborting, leaves parts that are
 * billed but never listed as objects.
 *
 * <p>An upload's age comes from the start stamp in its key (our dump keys
 * carry it) and only otherwise from the store's {@code Initiated}: some
 * S3-compatible stores (s3proxy among them) report the listing time there.
 * The age must exceed the longest a backup may run, which start-up checks.
 */
@ApplicationScoped
public class AbandonedUploadSweeper {

    private static final Logger LOG = Logger.getLogger(AbandonedUploadSweeper.class);

    private final ObjectStore store;
    private final Clock clock;
    private final String prefix;
    private final Duration maxAge;

    AbandonedUploadSweeper(ObjectStore store, Clock clock, BackupConfig config) {
        this.store = store;
        this.clock = clock;
        this.prefix = config.storage().prefix().orElse("");
        this.maxAge = config.retention().abandonedUploadAge();
        if (maxAge.compareTo(config.schedule().maxDuration()) <= 0) {
            throw new IllegalStateException("nais.backup.retention.abandoned-upload-age (" + maxAge
                    + ") must exceed nais.backup.schedule.max-duration (" + config.schedule().maxDuration()
                    + "), or running backups would be aborted");
        }
    }

    @Scheduled(cron = "{nais.backup.retention.abandoned-upload-cron}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = ModeSkips.UnlessBackingUp.class)
    void onSchedule() {
        try {
            sweep();
        } catch (RuntimeException e) {
            LOG.warnf(e, "sweeping abandoned uploads failed; the next run tries again");
        }
    }

    /** Aborts every abandoned upload under the prefix and returns them. */
    public List<IncompleteUpload> sweep() {
        Instant cutoff = clock.instant().minus(maxAge);
        List<IncompleteUpload> abandoned = store.incompleteUploads(prefix).stream()
                .filter(upload -> startedBefore(upload, cutoff)).toList();
        abandoned.forEach(this::abort);
        return abandoned;
    }

    static boolean startedBefore(IncompleteUpload upload, Instant cutoff) {
        return ObjectKeys.startedAt(upload.key()).orElse(upload.initiated()).isBefore(cutoff);
    }

    private void abort(IncompleteUpload upload) {
        store.abort(upload);
        LOG.infof("aborted abandoned upload of %s", upload.key());
    }
}
