package io.nais.pg.backup.config;

import java.time.Clock;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;

import io.nais.pg.backup.crypto.AgeCipher;
import io.nais.pg.backup.crypto.AgeIdentities;
import io.nais.pg.backup.dump.BackupPipeline;
import io.nais.pg.backup.postgres.PgTools;
import io.nais.pg.backup.storage.ObjectStore;
import io.quarkus.runtime.StartupEvent;

/**
 * Builds the plain-Java parts (pipeline, store, cipher, tools) from
 * configuration. They carry no CDI annotations so that the benchmark runs the
 * very same classes outside Quarkus. The reader is built in {@code restore}
 * ({@code RestoreComponents}): restore reads configuration, not the other way round.
 */
@ApplicationScoped
public class BackupComponents {

    @Produces
    @ApplicationScoped
    Clock clock() {
        return Clock.systemUTC();
    }

    @Produces
    @ApplicationScoped
    PgTools pgTools(BackupConfig config) {
        return PgTools.locate(config.dump().binDir());
    }

    /** Refuses to start with keys this process's mode must not hold, or without those it needs. */
    void checkKeys(@Observes StartupEvent start, BackupConfig config) {
        config.mode().checkKeys(config.encryption().recipients(), config.encryption().identityFile());
    }

    @Produces
    @ApplicationScoped
    AgeCipher ageCipher(BackupConfig config) {
        return new AgeCipher(config.encryption().recipients().orElse(List.of()));
    }

    /** The identities that decrypt dumps: none in backup mode, where {@link RunMode#checkKeys} refused a file. */
    @Produces
    @ApplicationScoped
    AgeIdentities ageIdentities(BackupConfig config) {
        return AgeIdentities.fromOptionalFile(config.encryption().identityFile());
    }

    @Produces
    @ApplicationScoped
    ObjectStore objectStore(BackupConfig config) {
        BackupConfig.Storage s = config.storage();
        return new ObjectStore(new ObjectStore.Settings(s.endpoint(), s.bucket(), s.region(), s.accessKeyId(),
                s.secretAccessKey(), s.pathStyle(), s.prefix().orElse(""), s.partSize(), s.uploadsInFlight()));
    }

    void closeObjectStore(@Disposes ObjectStore store) {
        store.close();
    }

    @Produces
    @ApplicationScoped
    BackupPipeline pipeline(PgTools tools, AgeCipher cipher, ObjectStore store, BackupConfig config, Clock clock) {
        return new BackupPipeline(tools, cipher, store, config.storage().prefix().orElse(""), clock);
    }
}
