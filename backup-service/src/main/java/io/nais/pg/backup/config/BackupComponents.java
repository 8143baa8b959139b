package io.nais.pg.backup.config;

import java.time.Clock;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;

import io.nais.pg.backup.crypto.AgeCipher;
import io.nais.pg.backup.crypto.AgeIdentities;
import io.nais.pg.backup.dump.BackupPipeline;
import io.nais.pg.backup.postgres.PgTools;
import io.nais.pg.backup.restore.BackupReader;
import io.nais.pg.backup.storage.ObjectStore;

/**
 * Builds the plain-Java parts (pipeline, reader, store, cipher, tools) from
 * configuration. They carry no CDI annotations so that the benchmark runs the
 * very same classes outside Quarkus.
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

    @Produces
    @ApplicationScoped
    AgeCipher ageCipher(BackupConfig config) {
        return new AgeCipher(config.encryption().recipients(),
                AgeIdentities.fromOptionalFile(config.encryption().identityFile()));
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

    @Produces
    @ApplicationScoped
    BackupReader reader(ObjectStore store, PgTools tools) {
        return new BackupReader(store, tools);
    }
}
