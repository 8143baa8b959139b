package io.nais.pg.access.gateway.auth;

import java.time.Instant;

/** What a verified login token proves: who the person is, and until when. */
public record VerifiedToken(String identity, Instant expiresAt) {
}
