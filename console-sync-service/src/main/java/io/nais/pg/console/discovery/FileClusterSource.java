package io.nais.pg.console.discovery;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;

/**
 * The local source of clusters: {@code nais.console.discovery.file}, read at
 * start and polled every 2 s. A changed file is synced as a whole; the diff
 * against the projection decides what to emit, so re-reading an unchanged
 * file (or restarting) emits nothing.
 *
 * <p>A file that is missing or does not parse is logged and skipped: the last
 * good state stands, so a half-written file never removes clusters.
 */
@ApplicationScoped
public class FileClusterSource {

    static final String SOURCE = "file";

    private static final Logger LOG = Logger.getLogger(FileClusterSource.class);

    private final DiscoveryConfig config;
    private final ClusterSync sync;

    /** Digest of the content last synced; null before the first sync. */
    private byte[] lastSynced;

    FileClusterSource(DiscoveryConfig config, ClusterSync sync) {
        this.config = config;
        this.sync = sync;
    }

    @Scheduled(every = "${nais.console.discovery.poll-interval:2s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    synchronized void poll() {
        config.file().ifPresent(this::syncIfChanged);
    }

    private void syncIfChanged(Path file) {
        byte[] content = read(file);
        if (content == null) {
            return;
        }
        byte[] digest = sha256(content);
        if (Arrays.equals(digest, lastSynced)) {
            return;
        }
        List<DesiredCluster> desired;
        try {
            desired = ClusterFile.parse(content);
        } catch (IOException | IllegalArgumentException e) {
            LOG.errorf("clusters file %s is not valid, keeping the last state: %s", file, e.getMessage());
            return;
        }
        List<ClusterChange> changes = sync.sync(SOURCE, desired);
        LOG.infof("clusters file %s read: %d clusters, %d changes", file, desired.size(), changes.size());
        lastSynced = digest;
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            LOG.debugf("clusters file %s does not exist yet", file);
            return null;
        } catch (IOException e) {
            LOG.warnf("cannot read clusters file %s: %s", file, e.toString());
            return null;
        }
    }

    private static byte[] sha256(byte[] content) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(content);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
