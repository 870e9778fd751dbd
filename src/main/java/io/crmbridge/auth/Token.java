package io.crmbridge.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crmbridge.BridgeException;
import io.crmbridge.Json;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A credential obtained by one login to one system, as kept in the token cache (the "token JSON").
 *
 * <p>A token knows the exact request headers that carry it: {@code Authorization: <scheme> <value>} for a
 * bearer or session token, cookies and a CSRF header for a cookie login, a key header for an API key.
 * {@link #toString()} shows a fingerprint and the header names, never a value, so a token logged by mistake
 * leaks nothing.
 *
 * @param system     the system the credential is for, such as {@code crm}
 * @param kind       the login kind that obtained it, such as {@code oauth2-client-credentials}
 * @param scheme     the {@code Authorization} scheme, such as {@code Bearer} or {@code Session}; empty when the
 *                   token sends headers of its own instead
 * @param value      the secret the headers carry (access token, session key, cookie line or API key); the
 *                   fingerprint is computed over it
 * @param expiresAt  when the system stops accepting it; {@link #NEVER} for a credential that does not expire
 * @param obtainedAt when the login answered
 * @param headers    the request headers to set, in order, name to value
 */
public record Token(String system, String kind, String scheme, String value, Instant expiresAt, Instant obtainedAt,
                    Map<String, String> headers) {

    /** The expiry of a credential that never expires, such as a static API key: far enough never to matter. */
    public static final Instant NEVER = Instant.parse("9999-12-31T23:59:59Z");

    /** Keeps the headers in their order and unmodifiable; a token without a header would authorise nothing. */
    public Token {
        if (headers == null || headers.isEmpty()) {
            throw new IllegalArgumentException("A token of system '" + system + "' needs at least one header");
        }
        headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    }

    /** Creates a token sent as {@code Authorization: <scheme> <value>}. */
    public Token(String system, String kind, String scheme, String value, Instant expiresAt, Instant obtainedAt) {
        this(system, kind, scheme, value, expiresAt, obtainedAt, Map.of("Authorization", scheme + " " + value));
    }

    /** Creates a token sent as headers of its own, with no {@code Authorization} scheme. */
    public static Token ofHeaders(String system, String kind, String value, Map<String, String> headers,
                                  Instant expiresAt, Instant obtainedAt) {
        return new Token(system, kind, "", value, expiresAt, obtainedAt, headers);
    }

    /** Reads a token JSON as kept in the cache; one without {@code headers} is sent as {@code Authorization}. */
    public static Token fromJson(String json) {
        JsonNode node = Json.tryParse(json)
                .orElseThrow(() -> new BridgeException("The token cache holds no valid JSON"));
        String system = node.path("system").asText();
        Instant expiresAt;
        Instant obtainedAt;
        try {
            expiresAt = Instant.parse(node.path("expiresAt").asText());
            obtainedAt = Instant.parse(node.path("obtainedAt").asText());
        } catch (DateTimeParseException e) {
            throw new BridgeException("The cached token of system '" + system
                    + "' has an unreadable expiresAt or obtainedAt");
        }
        String kind = node.path("kind").asText();
        String scheme = node.path("scheme").asText();
        String value = node.path("token").asText();
        JsonNode headers = node.path("headers");
        if (!headers.isObject() || headers.isEmpty()) {
            if (scheme.isEmpty()) {
                throw new BridgeException("The cached token of system '" + system + "' names no headers to send");
            }
            return new Token(system, kind, scheme, value, expiresAt, obtainedAt);
        }
        Map<String, String> read = new LinkedHashMap<>();
        headers.fields().forEachRemaining(header -> read.put(header.getKey(), header.getValue().asText()));
        return new Token(system, kind, scheme, value, expiresAt, obtainedAt, read);
    }

    /** Writes the token JSON kept in the cache; times are ISO-8601 UTC. */
    public String toJson() {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("system", system);
        node.put("kind", kind);
        node.put("scheme", scheme);
        node.put("token", value);
        ObjectNode headerNode = node.putObject("headers");
        headers.forEach(headerNode::put);
        node.put("expiresAt", expiresAt.toString());
        if (neverExpires()) {
            node.put("neverExpires", true);
        }
        node.put("obtainedAt", obtainedAt.toString());
        node.put("fingerprint", fingerprint());
        return Json.write(node);
    }

    /** Tells whether the credential does not expire at all. */
    public boolean neverExpires() {
        return !expiresAt.isBefore(NEVER);
    }

    /** Returns the {@code Authorization} header value, or null when the token is sent in other headers. */
    public String authorization() {
        return headers.get("Authorization");
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
        return "Token[system=" + system + ", kind=" + kind + ", headers=" + headers.keySet() + ", fingerprint="
                + fingerprint() + ", expiresAt=" + expiresAt + ", obtainedAt=" + obtainedAt + "]";
    }
}
