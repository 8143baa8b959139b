package io.nais.pg.access.provisioning.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

class ClusterSnapshotTest {

    private static ClusterSnapshot.Item role(String name, String attributes, String passwordDigest) {
        return new ClusterSnapshot.Item("role", name, attributes, passwordDigest);
    }

    private final ClusterSnapshot before = ClusterSnapshot.of(List.of(
            role("app_owner", "LOGIN", "aaa"),
            role("old_nologin", "NOLOGIN", "d41d"),
            new ClusterSnapshot.Item("setting", "work_mem (postgresql.auto.conf)", "", "111"),
            new ClusterSnapshot.Item("extension", "plpgsql", "version 1.0", "")));

    @Test
    void differencesNameWhatChangedButNoValue() {
        ClusterSnapshot after = ClusterSnapshot.of(List.of(
                role("app_owner", "LOGIN", "bbb"),
                role("old_nologin", "NOLOGIN", "d41d"),
                role("stay_behind", "LOGIN SUPERUSER", "ccc"),
                new ClusterSnapshot.Item("setting", "work_mem (postgresql.auto.conf)", "", "222")));

        assertThat(after.differencesSince(before)).containsExactly(
                "changed role app_owner: password",
                "added role stay_behind (LOGIN SUPERUSER)",
                "changed setting work_mem (postgresql.auto.conf): value or body",
                "removed extension plpgsql (version 1.0)");
    }

    @Test
    void rolesGainingLoginExceptKnownOnesAreTheStayBehinds() {
        ClusterSnapshot after = ClusterSnapshot.of(List.of(
                role("app_owner", "LOGIN", "aaa"),
                role("old_nologin", "LOGIN", "d41d"),
                role("stay_behind", "LOGIN SUPERUSER", "ccc"),
                role("standby", "LOGIN REPLICATION", "ddd"),
                role("quiet", "NOLOGIN", "d41d")));

        assertThat(after.loginRolesGainedSince(before, Set.of("standby", "app_owner")))
                .containsExactly("old_nologin", "stay_behind");
        assertThat(before.differencesSince(before)).isEmpty();
    }
}
