package io.nais.pg.console.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;

import io.nais.pg.events.UnauthenticatedLoginRefused;

/**
 * The hash chain's arithmetic, pure: a stored row's hash is SHA-256 over a
 * canonical encoding of its content, its place in the chain and the previous
 * row's hash. Each field is written as {@code <UTF-8 length>:<bytes>;} (null as
 * {@code -;}) in a fixed order, so no two different rows encode alike,
 * whatever characters a statement or detail holds.
 */
public final class AuditChain {

    /** The previous hash of a chain's first row. */
    public static final String GENESIS = "0".repeat(64);

    /** The chain of a login refused without a cluster the platform knows (LoginDenied's own aggregate id). */
    public static final String UNKNOWN_CLUSTER = io.nais.pg.events.LoginDenied.UNKNOWN_CLUSTER;

    /** The chain of connections refused before the client authenticated (the event's own key). */
    public static final String UNAUTHENTICATED = UnauthenticatedLoginRefused.KEY;

    private static final String UNAUTHENTICATED_KIND = UnauthenticatedLoginRefused.class.getSimpleName();

    private AuditChain() {
    }

    /**
     * The chain a row belongs to: its cluster; {@link #UNAUTHENTICATED} for a refusal before
     * authentication (platform level: no team's trail, whatever cluster the client named);
     * else {@link #UNKNOWN_CLUSTER}.
     */
    public static String chainOf(AuditEntry entry) {
        if (entry.clusterId() != null) {
            return entry.clusterId();
        }
        return UNAUTHENTICATED_KIND.equals(entry.kind()) ? UNAUTHENTICATED : UNKNOWN_CLUSTER;
    }

    /** The hash of {@code entry} as the {@code seq}-th row of {@code chain}, after a row whose hash is {@code previous}. */
    public static String hash(String chain, long seq, UUID eventId, AuditEntry entry, String previous) {
        StringBuilder canonical = new StringBuilder("nais.pg.audit.v1;");
        field(canonical, chain);
        field(canonical, Long.toString(seq));
        field(canonical, eventId.toString());
        field(canonical, entry.time().toString());
        field(canonical, entry.team());
        field(canonical, entry.clusterId());
        field(canonical, entry.person());
        field(canonical, entry.kind());
        field(canonical, entry.detail());
        field(canonical, entry.sessionId() == null ? null : entry.sessionId().toString());
        field(canonical, entry.statement());
        field(canonical, entry.parameterCount() == null ? null : entry.parameterCount().toString());
        field(canonical, entry.bytesFromClient() == null ? null : entry.bytesFromClient().toString());
        field(canonical, entry.bytesToClient() == null ? null : entry.bytesToClient().toString());
        field(canonical, previous);
        return sha256(canonical.toString());
    }

    private static void field(StringBuilder canonical, String value) {
        if (value == null) {
            canonical.append("-;");
        } else {
            canonical.append(value.getBytes(StandardCharsets.UTF_8).length).append(':').append(value).append(';');
        }
    }

    private static String sha256(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
