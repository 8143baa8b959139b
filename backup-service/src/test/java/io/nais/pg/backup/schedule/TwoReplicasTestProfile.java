package io.nais.pg.backup.schedule;

import java.util.HashMap;
import java.util.Map;

import io.nais.pg.backup.it.BackupTestProfile;

/** The backup tests' profile with a night of two seconds: the tests queue nights themselves (the cron stays off). */
public class TwoReplicasTestProfile extends BackupTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> overrides = new HashMap<>(super.getConfigOverrides());
        overrides.put("nais.backup.schedule.jitter", "PT2S");
        return overrides;
    }
}
