package io.nais.pg.cli.auth;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the claims of a JWT <em>without verifying it</em>: the CLI only needs
 * to know whose token it holds and when it expires. Verification is the
 * gateway's job, and a forged token gains nothing here. Only top-level strings
 * and numbers are kept, read with Jackson's streaming parser: every
 * {@code nais postgres} command decodes a token before it starts psql or the
 * proxy, and building Jackson's object mapper would cost that start a cold
 * tenth of a second.
 */
public record Jwt(Map<String, String> claims) {

    private static final JsonFactory JSON = new JsonFactory();

    public static Optional<Jwt> decode(String token) {
        String[] parts = token.split("\\.");
        if (parts.length != 3) {
            return Optional.empty();
        }
        try (JsonParser parser = JSON.createParser(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8))) {
            return parser.nextToken() == JsonToken.START_OBJECT ? Optional.of(new Jwt(scalars(parser))) : Optional.empty();
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static Map<String, String> scalars(JsonParser parser) throws IOException {
        Map<String, String> claims = new HashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            if (value.isScalarValue() && value != JsonToken.VALUE_NULL) {
                claims.put(name, parser.getText());
            } else {
                parser.skipChildren();
            }
        }
        return claims;
    }

    public Optional<String> claim(String name) {
        return Optional.ofNullable(claims.get(name)).filter(v -> !v.isBlank());
    }

    public Optional<Instant> expiresAt() {
        try {
            return claim("exp").map(exp -> Instant.ofEpochSecond((long) Double.parseDouble(exp)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return "Jwt[claims hidden]";
    }
}
