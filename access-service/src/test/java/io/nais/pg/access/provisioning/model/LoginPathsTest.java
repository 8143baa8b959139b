package io.nais.pg.access.provisioning.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class LoginPathsTest {

    private static HbaRule rule(int line, String type, String users, String address, String method, boolean people) {
        return new HbaRule(line, type, List.of("all"), List.of(users.split(",")), address, method, people, null);
    }

    @Test
    void gatewayCertificateLineThenRejectConformsWhateverFollows() {
        assertThat(LoginPaths.findings(List.of(
                rule(1, "hostssl", "postgres", "127.0.0.1/32", "scram-sha-256", false),
                rule(2, "hostssl", "+nais_human", "10.0.0.0/8", "cert", true),
                rule(3, "local", "+nais_human", null, "reject", true),
                rule(4, "host", "+nais_human", "all", "reject", true),
                rule(5, "local", "all", null, "trust", true),
                rule(6, "host", "all", "127.0.0.1/32", "scram-sha-256", true)))).isEmpty();
    }

    @Test
    void passwordLineBeforeTheRejectIsAFinding() {
        List<String> findings = LoginPaths.findings(List.of(
                rule(1, "hostssl", "+nais_human", "127.0.0.1/32", "cert", true),
                rule(2, "host", "all", "127.0.0.1/32", "scram-sha-256", true),
                rule(3, "host", "+nais_human", "all", "reject", true)));
        assertThat(findings).singleElement().asString().startsWith("line 2: host all all 127.0.0.1/32 scram-sha-256");
    }

    @Test
    void rejectForOneKindOfConnectionLeavesTheOthersOpen() {
        assertThat(LoginPaths.findings(List.of(
                rule(1, "hostnossl", "+nais_human", "all", "reject", true),
                rule(2, "hostssl", "all", "all", "md5", true),
                rule(3, "local", "all", null, "peer", true)))).hasSize(1);
    }

    @Test
    void rejectForSomeAddressesOnlyDoesNotCloseAndLinesPeopleCannotMatchAreIgnored() {
        assertThat(LoginPaths.findings(List.of(
                rule(1, "host", "+nais_human", "10.0.0.0/8", "reject", true),
                rule(2, "host", "app_owner", "all", "scram-sha-256", false),
                rule(3, "host", "all", "all", "trust", true)))).hasSize(1);
    }
}
