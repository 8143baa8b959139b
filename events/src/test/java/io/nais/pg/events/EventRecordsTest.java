package io.nais.pg.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class EventRecordsTest {

    private static final Pattern SECRET_LIKE =
            Pattern.compile("(?i).*(password|passwd|token|secret|credential|private|key|cert|jwt).*");

    /** Names that look like secrets but are not; each with the reason. */
    private static final Map<String, String> NOT_SECRETS = Map.of(
            "objectKey", "the S3 object key (a name), not key material",
            "adminSecretRef", "a file:/k8s: reference to the credentials, never the credentials");

    @Test
    void noEventCarriesAComponentNamedLikeASecret() {
        List<String> suspicious = new ArrayList<>();
        for (Class<?> event : PlatformEvent.class.getPermittedSubclasses()) {
            Arrays.stream(event.getRecordComponents())
                    .map(RecordComponent::getName)
                    .filter(name -> SECRET_LIKE.matcher(name).matches())
                    .filter(name -> !NOT_SECRETS.containsKey(name))
                    .forEach(name -> suspicious.add(event.getSimpleName() + "." + name));
        }

        assertThat(suspicious).isEmpty();
    }

    @Test
    void secretPatternWouldCatchTheAllowedNamesIfTheyWereNotListed() {
        // keeps the allow-list honest: an entry that no longer needs allowing is noise
        assertThat(NOT_SECRETS.keySet()).allMatch(name -> SECRET_LIKE.matcher(name).matches());
    }

    @Test
    void adminSecretRefMustBeAReferenceNotCredentials() {
        assertThatThrownBy(() -> cluster("postgres://admin:s3cret@host/db"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ClusterDiscovered.adminSecretRef")
                .message().doesNotContain("s3cret");
    }

    @Test
    void requiredFieldIsRejectedWithItsNameWhenMissingOrBlank() {
        assertThatThrownBy(() -> new TeamMemberAdded("team-a", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("TeamMemberAdded.email is required and must not be blank");
        assertThatThrownBy(() -> new TeamMemberAdded(" ", "me@example.com"))
                .hasMessageContaining("TeamMemberAdded.team");
        assertThatThrownBy(() -> new BackupStarted(null, EventFixtures.CLUSTER, EventFixtures.T0))
                .hasMessage("BackupStarted.backupId is required");
    }

    @Test
    void clusterIdMustBeTeamSlashApp() {
        assertThatThrownBy(() -> new BackupFailed(EventFixtures.BACKUP, "demo-app", "disk full"))
                .hasMessage("BackupFailed.clusterId must have the form <team>/<app>");
        assertThatThrownBy(() -> new ClusterRemoved("team-a/other-app", "team-a", "demo-app"))
                .hasMessageContaining("ClusterRemoved.clusterId must equal <team>/<app>");
    }

    @Test
    void timesAndAmountsMustBeCoherent() {
        assertThatThrownBy(() -> new DbaAccessGranted(EventFixtures.GRANT, EventFixtures.CLUSTER, "team-a",
                "dba@example.com", "me@example.com", EventFixtures.T1, EventFixtures.T0))
                .hasMessage("DbaAccessGranted.expiresAt must not be before DbaAccessGranted.grantedAt");
        assertThatThrownBy(() -> new DbaAccessRequested(EventFixtures.GRANT, EventFixtures.CLUSTER, "team-a",
                "dba@example.com", "why", Duration.ZERO))
                .hasMessage("DbaAccessRequested.duration must be positive");
        assertThatThrownBy(() -> new LoginDenied(null, null, "10.0.0.7:1", "bad token", "28P"))
                .hasMessageContaining("LoginDenied.sqlState");
    }

    @Test
    void listComponentsAreImmutableCopies() {
        List<String> schemas = new ArrayList<>(List.of("public"));
        ClusterDiscovered event = new ClusterDiscovered("team-a/demo-app", "team-a", "demo-app", "h", 5432, "app",
                "app_owner", schemas, "k8s:team-a/creds", "15", null);

        schemas.add("later");

        assertThat(event.schemas()).containsExactly("public");
        assertThatThrownBy(() -> event.schemas().add("x")).isInstanceOf(UnsupportedOperationException.class);
    }

    private static ClusterDiscovered cluster(String adminSecretRef) {
        return new ClusterDiscovered("team-a/demo-app", "team-a", "demo-app", "h", 5432, "app", "app_owner",
                List.of("public"), adminSecretRef, "15", "Running");
    }
}
