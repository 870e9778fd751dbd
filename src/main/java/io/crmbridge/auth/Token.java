package io.crmbridge.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crmbridge.BridgeException;
import io.crmbridge.Json;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;

/**
 * A credential obtained by one login to one system, as kept in the token cache (the "token JSON").
 *
 * <p>{@link #toString()} shows a fingerprint, never the value, so a token logged by mistake leaks nothing.
 *
 * @param system     the system the credential is for, such as {@code crm}
 * @param kind       the login kind that obtained it, such as {@code oauth2-client-credentials}
 * @param scheme     the {@code Authorization} scheme, such as {@code Bearer} or {@code Session}
 * @param value      the credential sent after the scheme
 * @param expiresAt  when the system stops accepting it
 * @param obtainedAt when the login answered
 */
public record Token(String system, String kind, String scheme, String value, Instant expiresAt, Instant obtainedAt) {

    /** Reads a token JSON as kept in the cache. */
    public static Token fromJson(String json) {
        JsonNode node = Json.tryParse(json)
                .orElseThrow(() -> new BridgeException("The token cache holds no valid JSON"));
        try {
            return new Token(node.path("system").asText(), node.path("kind").asText(), node.path("scheme").asText(),
                    node.path("token").asText(), Instant.parse(node.path("expiresAt").asText()),
                    Instant.parse(node.path("obtainedAt").asText()));
        } catch (DateTimeParseException e) {
            throw new BridgeException("The cached token of system '" + node.path("system").asText()
                    + "' has an unreadable expiresAt or obtainedAt");
        }
    }

    /** Writes the token JSON kept in the cache; times are ISO-8601 UTC. */
    public String toJson() {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("system", system);
        node.put("kind", kind);
        node.put("scheme", scheme);
        node.put("token", value);
        node.put("expiresAt", expiresAt.toString());
        node.put("obtainedAt", obtainedAt.toString());
        node.put("fingerprint", fingerprint());
        return Json.write(node);
    }

    /** Tells whether the token is still good at {@code now} with at least {@code margin} of life left. */
    public boolean usableAt(Instant now, Duration margin) {
        return now.plus(margin).isBefore(expiresAt);
    }

    /** Returns the {@code Authorization} header value. */
    public String authorization() {
        return scheme + " " + value;
    }

    /** Returns a short, stable fingerprint that tells tokens apart in logs without revealing them. */
    public String fingerprint() {
        return fingerprintOf(value);
    }

    /** Returns the fingerprint of any secret value: the first 8 hex digits of its SHA-256. */
    public static String fingerprintOf(String secret) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
    }

    @Override
    public String toString() {
        return "Token[system=" + system + ", kind=" + kind + ", fingerprint=" + fingerprint()
                + ", expiresAt=" + expiresAt + ", obtainedAt=" + obtainedAt + "]";
    }
}
