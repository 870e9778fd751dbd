package io.crmbridge.auth;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.crmbridge.BridgeNames;
import io.crmbridge.simulator.CrmSimulator;
import io.crmbridge.testsupport.BridgeRuntime;
import io.crmbridge.testsupport.BridgeSettings;
import io.crmbridge.testsupport.MutableClock;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/** Where the expiry of a client-credentials token comes from, and which token answers are refused. */
class OAuth2ExpiryTest {

    private static final Instant START = Instant.parse("2026-12-04T08:00:00Z");

    @TempDir
    Path folder;

    private final MutableClock clock = new MutableClock(START);
    private BridgeRuntime bridge;
    private CrmSimulator crm;
    private WireMockServer tokenServer;

    @AfterEach
    void stop() {
        if (bridge != null) {
            bridge.close();
        }
        if (crm != null) {
            crm.close();
        }
        if (tokenServer != null) {
            tokenServer.stop();
        }
    }

    @Test
    void expiresInAsNumericString_isHonoured() {
        crm = CrmSimulator.builder().clock(clock).clientId("c").clientSecret("s").tokenLifetime(Duration.ofSeconds(90))
                .expiresInAsString(true).build().start();

        assertThat(login(crm.tokenUrl()).expiresAt()).isEqualTo(START.plusSeconds(90));
    }

    @Test
    void missingExpiresIn_fallsBackToTheJwtExpClaim() {
        crm = CrmSimulator.builder().clock(clock).clientId("c").clientSecret("s").tokenLifetime(Duration.ofSeconds(45))
                .omitExpiresIn(true).build().start();

        assertThat(login(crm.tokenUrl()).expiresAt()).isEqualTo(START.plusSeconds(45));
    }

    @Test
    void opaqueTokenWithoutExpiry_getsTheConfiguredDefaultLifetime() {
        tokenAnswer(200, "{\"access_token\":\"opaque-value\",\"token_type\":\"Bearer\"}");

        Token token = login(tokenUrl(), Map.of("bridge.crm.auth.default-lifetime", "20m"));

        assertThat(token.expiresAt()).isEqualTo(START.plus(Duration.ofMinutes(20)));
        assertThat(token.authorization()).isEqualTo("Bearer opaque-value");
    }

    @Test
    void zeroExpiresIn_isRefused_andNothingIsCached() {
        tokenAnswer(200, "{\"access_token\":\"opaque-value\",\"expires_in\":0}");

        Exchange result = authorise(tokenUrl(), Map.of());

        assertThat(result.getException()).hasMessageContaining("expires_in 0, which is not a positive number");
        assertThat(cachedToken()).as("cached token").isNull();
    }

    @Test
    void unavailableTokenEndpoint_isNotReportedAsWrongCredentials() {
        tokenAnswer(503, "{\"error\":\"temporarily_unavailable\"}");

        assertThat(authorise(tokenUrl(), Map.of()).getException())
                .hasMessage("CRM login at " + tokenUrl() + " answered HTTP 503 (temporarily_unavailable); the "
                        + "identity server may be down, or bridge.crm.auth.token-url may be wrong");
    }

    @Test
    void answerWithoutAccessToken_isRefused() {
        tokenAnswer(200, "{\"token_type\":\"Bearer\",\"expires_in\":60}");

        assertThat(authorise(tokenUrl(), Map.of()).getException())
                .hasMessage("CRM login at " + tokenUrl() + " answered without access_token");
    }

    @Test
    void htmlPageWithStatus200_isRefusedAsNotJson() {
        tokenServer = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        tokenServer.start();
        tokenServer.stubFor(post(urlEqualTo("/connect/token")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/html").withBody("<html>Sign in</html>")));

        assertThat(authorise(tokenUrl(), Map.of()).getException())
                .hasMessage("CRM login at " + tokenUrl() + " answered HTTP 200 without a JSON body (text/html); "
                        + "check bridge.crm.auth.token-url");
    }

    private void tokenAnswer(int status, String json) {
        tokenServer = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        tokenServer.start();
        tokenServer.stubFor(post(urlEqualTo("/connect/token")).willReturn(okJson(json).withStatus(status)));
    }

    private String tokenUrl() {
        return "http://127.0.0.1:" + tokenServer.port() + "/connect/token";
    }

    private Token login(String tokenUrl) {
        return login(tokenUrl, Map.of());
    }

    private Token login(String tokenUrl, Map<String, String> extra) {
        Exchange result = authorise(tokenUrl, extra);
        assertThat(result.getException()).as("login error").isNull();
        return Token.fromJson(cachedToken());
    }

    private String cachedToken() {
        return bridge.cachedToken("crm");
    }

    private Exchange authorise(String tokenUrl, Map<String, String> extra) {
        Map<String, String> properties = BridgeSettings.withWatermark(folder.resolve("w.json"))
                .crm("http://127.0.0.1:9", tokenUrl, "c", "s").toMap();
        properties.putAll(extra);
        bridge = BridgeRuntime.start(properties, Map.of(BridgeNames.CLOCK, clock));
        return bridge.template().request(BridgeNames.AUTH_ENDPOINT,
                exchange -> exchange.setVariable(BridgeNames.SYSTEM, "crm"));
    }
}
