package io.nais.pg.cli.config;

import java.util.Locale;

/**
 * Every configuration key. The file {@code <config dir>/config.properties}
 * uses {@link #key()}; the environment variable is {@code NAIS_} plus the key
 * in upper case with dots and dashes as underscores. The README table is
 * generated from this enum.
 */
public enum ConfigKey {
    ISSUER("issuer", null, "OIDC issuer URL (discovery at `<issuer>/.well-known/openid-configuration`)"),
    CLIENT_ID("client-id", "nais-cli", "OIDC client id of the CLI (a public client: PKCE, no secret)"),
    SCOPES("scopes", "openid email offline_access", "scopes asked for at login; `offline_access` gives the refresh token"),
    IDENTITY_CLAIM("identity-claim", "email", "token claim sent to the gateway as the Postgres user"),
    LOGIN_CALLBACK_PORT("login.callback-port", "0", "loopback port of the login redirect; 0 picks a free one"),
    GATEWAY_HOST("gateway.host", null, "host name of the Postgres gateway"),
    GATEWAY_PORT("gateway.port", "5432", "port of the Postgres gateway"),
    GATEWAY_CA_FILE("gateway.ca-file", null, "PEM file of the CA that signed the gateway's certificate; unset: the system trust store"),
    API_URL("api.url", null, "URL of the platform console/API"),
    TEAM("team", null, "default team when `--team` is not given"),
    DBA_URL("dba.url", null, "URL of dba-grant-service's API (`nais postgres dba …`)"),
    BACKUP_URL("backup.url", null, "URL of backup-service's API (`nais postgres backups …`)"),
    BACKUP_VERIFY_URL("backup.verify-url", null,
            "URL of backup-service's verify half (`backups verify`, `backups restore`: it holds the age identity; `postgres migrate` runs there); unset: `backup.url`, where one host routes both"),
    KAFKA_BOOTSTRAP_SERVERS("kafka.bootstrap-servers", null,
            "Kafka bootstrap servers for `postgres migrate --local` events; unset: `KAFKA_BOOTSTRAP_SERVERS`, else no events");

    private final String key;
    private final String defaultValue;
    private final String description;

    ConfigKey(String key, String defaultValue, String description) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.description = description;
    }

    public String key() {
        return key;
    }

    public String defaultValue() {
        return defaultValue;
    }

    public String description() {
        return description;
    }

    public String environmentVariable() {
        return "NAIS_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** The Markdown table in cli/README.md ({@code ConfigDocumentationTest} keeps it equal). */
    public static String markdownTable() {
        StringBuilder table = new StringBuilder("| key | environment | default | meaning |\n|---|---|---|---|\n");
        for (ConfigKey k : values()) {
            table.append("| `").append(k.key).append("` | `").append(k.environmentVariable()).append("` | ")
                    .append(k.defaultValue == null ? "" : "`" + k.defaultValue + "`").append(" | ")
                    .append(k.description).append(" |\n");
        }
        return table.toString();
    }
}
