package io.crmbridge.auth;

import io.crmbridge.Json;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The token JSON: readable, backward compatible, and no value in a token's description. */
class TokenTest {

    private static final Instant OBTAINED = Instant.parse("2026-12-04T08:00:00Z");
    private static final Instant EXPIRES = Instant.parse("2026-12-04T08:30:00Z");

    @Test
    void bearerToken_sendsAuthorization_andKeepsItsFingerprint() throws Exception {
        Token token = new Token("crm", "oauth2-client-credentials", "Bearer", "access-value", EXPIRES, OBTAINED);

        var json = Json.MAPPER.readTree(token.toJson());

        assertThat(token.headers()).containsExactly(Map.entry("Authorization", "Bearer access-value"));
        assertThat(json.path("headers").path("Authorization").asText()).isEqualTo("Bearer access-value");
        assertThat(json.path("fingerprint").asText()).as("fingerprint of the access token alone")
                .isEqualTo(Token.fingerprintOf("access-value"));
        assertThat(Token.fromJson(token.toJson())).isEqualTo(token);
    }

    @Test
    void tokenJsonWithoutHeaders_fromBeforeHeadersExisted_isStillSentAsAuthorization() {
        // A cache entry written by the previous version must not force every system to log in again.
        String old = "{\"system\":\"erp\",\"kind\":\"tryton-session\",\"scheme\":\"Session\","
                + "\"token\":\"c2Vzc2lvbg==\",\"expiresAt\":\"2026-12-04T08:30:00Z\","
                + "\"obtainedAt\":\"2026-12-04T08:00:00Z\"}";

        assertThat(Token.fromJson(old).headers()).containsExactly(Map.entry("Authorization", "Session c2Vzc2lvbg=="));
    }

    @Test
    void headerToken_roundTripsItsHeadersInOrder_andDescribesThemWithoutValues() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Cookie", ".ASPXAUTH=secret-auth; BPMCSRF=secret-csrf");
        headers.put("BPMCSRF", "secret-csrf");
        Token token = Token.ofHeaders("crm", "creatio-forms", headers.get("Cookie"), headers, EXPIRES, OBTAINED);

        Token read = Token.fromJson(token.toJson());

        assertThat(read.headers()).containsExactlyEntriesOf(headers);
        assertThat(read.authorization()).as("Authorization").isNull();
        assertThat(token.toString()).contains("Cookie", "BPMCSRF", token.fingerprint())
                .doesNotContain("secret-auth", "secret-csrf");
    }
}
