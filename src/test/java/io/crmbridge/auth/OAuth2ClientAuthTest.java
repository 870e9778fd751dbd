package io.crmbridge.auth;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** How the bridge authenticates itself to an OAuth 2.0 token endpoint, and what it asks for. */
class OAuth2ClientAuthTest {

    private static final String TOKEN_PATH = "/connect/token";

    @TempDir
    Path folder;

    private final LoginBench bench = new LoginBench();
    private final String secret = "secret+/=" + UUID.randomUUID();

    @AfterEach
    void stop() {
        bench.close();
    }

    @Test
    void defaultClientAuth_sendsIdAndSecretInTheForm_andTheBearerTokenDownstream() {
        start(Map.of());

        bench.get("crm", "/0/odata/Order");

        var login = bench.requestsTo(TOKEN_PATH).get(0);
        assertThat(form(login.getBodyAsString())).as("form fields").containsExactlyInAnyOrderEntriesOf(Map.of(
                "grant_type", "client_credentials", "client_id", "bridge client", "client_secret", secret));
        assertThat(login.containsHeader("Authorization")).as("Authorization on the token request").isFalse();
        assertThat(bench.requestsTo("/0/odata/Order").get(0).getHeader("Authorization"))
                .isEqualTo("Bearer access-1");
    }

    @Test
    void basicClientAuth_sendsFormEncodedIdAndSecretByHttpBasic_andNeitherInTheForm() {
        start(Map.of("bridge.crm.auth.client-auth", "basic"));

        bench.get("crm", "/0/odata/Order");

        var login = bench.requestsTo(TOKEN_PATH).get(0);
        String expected = "bridge+client:" + URLEncoder.encode(secret, StandardCharsets.UTF_8);
        assertThat(login.getHeader("Authorization")).as("client authentication").isEqualTo("Basic "
                + Base64.getEncoder().encodeToString(expected.getBytes(StandardCharsets.UTF_8)));
        assertThat(form(login.getBodyAsString())).as("form fields")
                .containsExactlyEntriesOf(Map.of("grant_type", "client_credentials"));
        assertThat(bench.requestsTo("/0/odata/Order").get(0).getHeader("Authorization"))
                .isEqualTo("Bearer access-1");
    }

    @Test
    void scopeAndAudience_areSentAsFormFields() {
        start(Map.of("bridge.crm.auth.scope", "odata offline", "bridge.crm.auth.audience", "https://api.example"));

        bench.get("crm", "/0/odata/Order");

        assertThat(form(bench.requestsTo(TOKEN_PATH).get(0).getBodyAsString())).as("form fields")
                .containsEntry("scope", "odata offline").containsEntry("audience", "https://api.example");
    }

    @Test
    void refusalRepeatingTheSecretInItsErrorCode_showsItAsStars() {
        start(Map.of());
        bench.server.stubFor(post(urlEqualTo(TOKEN_PATH)).willReturn(aResponse().withStatus(401)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error\":\"invalid_client: secret " + secret + " unknown\"}")));

        assertThat(bench.authorise("crm").getException()).isInstanceOf(LoginException.class)
                .hasMessageContaining(": HTTP 401 (invalid_client: secret *** unknown); check bridge.crm.auth.")
                .hasMessageNotContaining(secret);
    }

    @Test
    void unknownClientAuth_stopsTheStart_namingTheSetting() {
        Throwable error = catchThrowable(() -> start(Map.of("bridge.crm.auth.client-auth", "header")));

        assertThat(error).as("start-up error").isNotNull().rootCause()
                .hasMessage("Setting bridge.crm.auth.client-auth must be body or basic; its value is not shown, as it "
                        + "may hold credentials");
        assertThat(bench.requestsTo(TOKEN_PATH)).as("token requests").isEmpty();
    }

    private void start(Map<String, String> extra) {
        bench.server.stubFor(post(urlEqualTo(TOKEN_PATH)).willReturn(okJson(
                "{\"access_token\":\"access-1\",\"token_type\":\"Bearer\",\"expires_in\":300}")));
        bench.server.stubFor(get(urlPathEqualTo("/0/odata/Order")).willReturn(okJson("{\"value\":[]}")));
        Map<String, String> settings = new HashMap<>(Map.of("bridge.crm.base-url", bench.baseUrl(),
                "bridge.crm.auth.kind", "oauth2-client-credentials",
                "bridge.crm.auth.token-url", bench.baseUrl() + TOKEN_PATH,
                "bridge.crm.auth.client-id", "bridge client", "bridge.crm.auth.client-secret", secret));
        settings.putAll(extra);
        bench.startBridge(folder, settings);
    }

    private static Map<String, String> form(String body) {
        Map<String, String> fields = new HashMap<>();
        for (String pair : body.split("&")) {
            String[] parts = pair.split("=", 2);
            fields.put(URLDecoder.decode(parts[0], StandardCharsets.UTF_8),
                    URLDecoder.decode(parts[1], StandardCharsets.UTF_8));
        }
        return fields;
    }
}
