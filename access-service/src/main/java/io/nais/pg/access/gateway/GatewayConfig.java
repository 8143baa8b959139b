package io.nais.pg.access.gateway;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import io.nais.pg.access.gateway.audit.FullSpoolPolicy;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code nais.access.gateway.*}: the Postgres gateway. */
@ConfigMapping(prefix = "nais.access.gateway")
public interface GatewayConfig {

    @WithDefault("0.0.0.0")
    String host();

    /** 0 picks a free port (tests); {@link GatewayService#port()} tells which. */
    @WithDefault("5433")
    int port();

    /** The gateway's own certificate, shown to clients. Absent: a throwaway one (local use only). */
    Tls tls();

    /** The CA that signs per-person client certificates; clusters trust it for {@code +nais_human} in {@code ssl_ca_file}. */
    Ca ca();

    Backend backend();

    Oidc oidc();

    Limits limits();

    /** Statement audit (see {@code io.nais.pg.access.gateway.audit}). */
    Audit audit();

    /**
     * Teams whose members' sessions are read-only by default (without it: write). Their members write only on a
     * DBA grant; a read-only session is always there for the asking ({@code user=<email>/ro}, {@code --read-only}).
     */
    Optional<List<String>> readOnlyTeams();

    /** Cluster ids whose sessions end when the login token expires; {@code *} for every cluster. */
    Optional<List<String>> endSessionAtTokenExpiry();

    /** How long shutdown waits for sessions to finish before ending them. */
    @WithDefault("20s")
    Duration drainTimeout();

    /** Netty event loop threads; 0 = Netty's default (2 × cores). */
    @WithDefault("0")
    int eventLoopThreads();

    /** The gateway's own key and certificate chain (PEM); read again when the files change. */
    interface Tls {
        Optional<Path> certFile();

        Optional<Path> keyFile();
    }

    /**
     * The short-lived intermediate (PEM key and chain, leaf first) that client certificates are minted from,
     * never the root the clusters trust; read again when the files change (deploy/README.md, "Gateway client CA").
     */
    interface Ca {
        Optional<Path> certFile();

        Optional<Path> keyFile();

        /** How long a minted client certificate is valid (at most until the intermediate ends); reused for two thirds of that. */
        @WithDefault("10m")
        Duration clientCertificateValidity();
    }

    interface Backend {
        /** CAs the clusters' server certificates are checked against; absent: the gateway's CA. */
        Optional<Path> trustedCaFile();

        @WithDefault("true")
        boolean verifyHostname();

        @WithDefault("5s")
        Duration connectTimeout();
    }

    interface Oidc {
        /** Required when the gateway is enabled (checked at start, so a disabled gateway needs none). */
        Optional<String> issuer();

        /** Required when the gateway is enabled; a token must name one of these in {@code aud}. */
        Optional<List<String>> audience();

        /** Absent: discovered from the issuer's {@code .well-known/openid-configuration}. */
        Optional<String> jwksUri();

        /** The claim that must equal the startup user. No fallback: only a verified email names a role. */
        @WithDefault("email")
        String identityClaim();

        @WithDefault("30s")
        Duration clockSkew();

        @WithDefault("RS256,RS384,RS512,PS256,PS384,PS512,ES256,ES384,ES512")
        List<String> algorithms();

        /** At most one JWKS refetch (for an unknown {@code kid}) per this period. */
        @WithDefault("10s")
        Duration jwksRefreshCooldown();

        /**
         * Whether a token must carry {@code email_verified: true}. Turn off only for an issuer that never sends
         * the claim; a claim that says {@code false} is refused either way.
         */
        @WithDefault("true")
        boolean requireEmailVerified();
    }

    interface Audit {

        Statements statements();

        Spool spool();

        interface Statements {
            /** On for every cluster unless a cluster says otherwise in {@link #clusters()}. */
            @WithDefault("true")
            boolean enabled();

            /** Per-cluster override by cluster id: {@code nais.access.gateway.audit.statements.clusters."team-a/demo-app"=false}. */
            Map<String, Boolean> clusters();

            /** Statement text beyond this many UTF-8 bytes is cut and the event flagged {@code truncated}. */
            @WithDefault("8192")
            int maxBytes();

            /** Statements waiting for the audit thread; more are dropped (and counted) rather than slow the relay. */
            @WithDefault("100000")
            int queueCapacity();

            /**
             * Most statements encoded and handed to Kafka in one round. The audit thread waits for a
             * round's acknowledgements before the next round, so at most batchSize per (linger + round
             * trip) go out: 5000 per ~55 ms is about 90,000 a second.
             */
            @WithDefault("5000")
            int batchSize();

            /** How long the producer gathers statements into one produce request (linger.ms). */
            @WithDefault("50ms")
            Duration linger();

            /**
             * The audit thread drains the queue on this tick instead of being woken per statement:
             * about 1/tick wake-ups a second at any rate, each taking one batch.
             */
            @WithDefault("20ms")
            Duration drainInterval();

            /** A send not acknowledged within this goes to the spool. */
            @WithDefault("5s")
            Duration ackTimeout();

            /** How often Kafka is tried again while it is unavailable. */
            @WithDefault("2s")
            Duration retryInterval();
        }

        interface Spool {
            /** Absent: {@code <java.io.tmpdir>/nais-gateway-audit-spool}; in production a volume that outlives the pod. */
            Optional<Path> directory();

            @WithDefault("268435456")
            long maxBytes();

            @WithDefault("4194304")
            long segmentBytes();

            /** {@code keep-serving} or {@code refuse-new-sessions}. */
            @WithDefault("keep-serving")
            FullSpoolPolicy whenFull();
        }
    }

    interface Limits {
        @WithDefault("2000")
        int maxConnections();

        @WithDefault("20")
        int maxSessionsPerPerson();

        /** PostgreSQL's own limit (MAX_STARTUP_PACKET_LENGTH). */
        @WithDefault("10000")
        int maxStartupPacket();

        /** Room for a large JWT, small enough that a password message costs little. */
        @WithDefault("16384")
        int maxPasswordMessage();

        @WithDefault("10s")
        Duration startupTimeout();
    }
}
