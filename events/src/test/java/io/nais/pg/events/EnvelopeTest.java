package io.nais.pg.events;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EnvelopeTest {

    @Test
    void ofStartsACorrelationWithItsOwnId() {
        Envelope<TeamMemberAdded> envelope = Envelope.of("console-sync-service",
                new TeamMemberAdded("team-a", "me@example.com"));

        assertThat(envelope.metadata().correlationId()).isEqualTo(envelope.metadata().id().toString());
        assertThat(envelope.metadata().producer()).isEqualTo("console-sync-service");
    }

    @Test
    void followKeepsTheCorrelationWithANewId() {
        Envelope<TeamMemberAdded> cause = Envelope.of("console-sync-service",
                new TeamMemberAdded("team-a", "me@example.com"));

        Envelope<HumanRoleProvisioned> effect = cause.follow("access-service",
                new HumanRoleProvisioned("team-a/demo-app", "team-a", "me@example.com", "me@example.com", false));

        assertThat(effect.metadata().correlationId()).isEqualTo(cause.metadata().correlationId());
        assertThat(effect.metadata().id()).isNotEqualTo(cause.metadata().id());
        assertThat(effect.metadata().producer()).isEqualTo("access-service");
        assertThat(effect.metadata().time()).isAfterOrEqualTo(cause.metadata().time());
    }

    @Test
    void keyTypeAndTopicComeFromTheDataAndTheRegistry() {
        Envelope<DbaAccessGranted> grant = Envelope.of("dba-grant-service",
                (DbaAccessGranted) EventFixtures.of(DbaAccessGranted.class));
        Envelope<BackupCompleted> backup = Envelope.of("backup-service", EventFixtures.backupCompleted());

        assertThat(grant.key()).isEqualTo(EventFixtures.GRANT.toString());
        assertThat(grant.type()).isEqualTo("nais.pg.DbaAccessGranted.v1");
        assertThat(grant.topic()).isEqualTo(EventTopic.DBA_GRANTS);
        assertThat(backup.key()).isEqualTo("team-a/demo-app");
        assertThat(backup.topic().topicName()).isEqualTo(Topics.BACKUPS);
    }

    @Test
    void timeKeepsMicrosecondsSoAPostgresRowRoundTripsEqual() {
        Envelope<TeamMemberAdded> envelope = Envelope.of("x", new TeamMemberAdded("team-a", "me@example.com"));

        assertThat(envelope.metadata().time().getNano() % 1_000).isZero();
    }
}
