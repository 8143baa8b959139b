package io.nais.pg.backup.restore;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import io.nais.pg.backup.postgres.PgTools;
import io.nais.pg.backup.storage.ObjectStore;

/**
 * Builds the {@link BackupReader} from the parts {@code config.BackupComponents} builds. It lives here, not
 * there, because restore reads configuration: a producer in {@code config} would make the two packages import
 * each other.
 */
@ApplicationScoped
public class RestoreComponents {

    @Produces
    @ApplicationScoped
    BackupReader reader(ObjectStore store, PgTools tools) {
        return new BackupReader(store, tools);
    }
}
