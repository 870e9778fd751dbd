package io.crmbridge.simulator;

import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Signs and checks HS256 JWTs with a key that only this simulator instance knows. */
final class JwtSigner {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
    private static final String HEADER = ENCODER.encodeToString(
            "{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));

    private final byte[] key = new byte[32];

    JwtSigner() {
        RANDOM.nextBytes(key);
    }

    /** Makes a signed token for {@code clientId} valid from {@code issuedAt} until {@code expiresAt}. */
    String sign(long issuedAt, long expiresAt, String clientId) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", "crm-simulator");
        claims.put("client_id", clientId);
        claims.put("iat", issuedAt);
        claims.put("exp", expiresAt);
        // A unique id keeps two tokens issued in the same second apart.
        claims.put("jti", randomHex(8));
        try {
            String payload = ENCODER.encodeToString(HttpSupport.JSON.writeValueAsBytes(claims));
            String signingInput = HEADER + "." + payload;
            return signingInput + "." + ENCODER.encodeToString(mac(signingInput));
        } catch (IOException e) {
            throw new IllegalStateException("CRM simulator could not write JWT claims", e);
        }
    }

    /** Gives the {@code exp} of a token this instance signed, or null for anything else. */
    Long verify(String token) {
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3 || !parts[0].equals(HEADER)) {
            return null;
        }
        try {
            byte[] signature = DECODER.decode(parts[2]);
            if (!MessageDigest.isEqual(signature, mac(parts[0] + "." + parts[1]))) {
                return null;
            }
            Map<String, Object> claims = HttpSupport.JSON.readValue(DECODER.decode(parts[1]),
                    new TypeReference<Map<String, Object>>() {
                    });
            return claims.get("exp") instanceof Number exp ? exp.longValue() : null;
        } catch (IllegalArgumentException | IOException e) {
            return null;
        }
    }

    /** Gives a short stable tag for a token, safe to log where the token itself is not. */
    static String fingerprint(String token) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 4);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** Gives {@code bytes} random bytes as lower-case hex. */
    static String randomHex(int bytes) {
        byte[] value = new byte[bytes];
        RANDOM.nextBytes(value);
        return HexFormat.of().formatHex(value);
    }

    /** Compares secrets without leaking through timing how much of them matched. */
    static boolean constantTimeEquals(String expected, String actual) {
        if (actual == null) {
            return false;
        }
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                actual.getBytes(StandardCharsets.UTF_8));
    }

    private byte[] mac(String signingInput) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(signingInput.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }
}
