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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.stream.Stream;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

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
    void redirectFromTheTokenUrl_isReportedAsARedirect_notFollowed_andShownWithoutItsSecrets() {
        // A token URL that moved (http to https, a trailing slash) answers a redirect. Following it would send the
        // client secret where nobody configured it, so the login names the redirect and the setting to change.
        tokenServer = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        tokenServer.start();
        String location = "http://sync:location-secret@127.0.0.1:" + tokenServer.port()
                + "/moved/token;jsessionid=session-secret?code=query-secret";
        tokenServer.stubFor(post(urlEqualTo("/connect/token")).willReturn(aResponse().withStatus(307)
                .withHeader("Location", location)));
        tokenServer.stubFor(post(urlPathEqualTo("/moved/token")).willReturn(okJson(
                "{\"access_token\":\"moved-token\",\"expires_in\":60}")));

        Exchange result = authorise(tokenUrl(), Map.of());

        assertThat(result.getException()).hasMessage("CRM login at " + tokenUrl() + " answered HTTP 307, a "
                + "redirect to http://127.0.0.1:" + tokenServer.port() + "/moved/token, which the bridge does not "
                + "follow; set bridge.crm.auth.token-url to the URL the redirects end at");
        assertThat(result.getException().getMessage())
                .doesNotContain("location-secret", "query-secret", "session-secret", "sync:");
        assertThat(tokenServer.findAll(postRequestedFor(urlPathMatching("/moved/.*")))).as("followed").isEmpty();
        assertThat(cachedToken()).as("cached token").isNull();
    }

    @Test
    void notModifiedFromTheTokenUrl_isNoRedirect() {
        tokenAnswer(304, "");

        assertThat(authorise(tokenUrl(), Map.of()).getException()).hasMessageStartingWith(
                "CRM login at " + tokenUrl() + " answered HTTP 304; the identity server may be down");
    }

    @Test
    void redirectToAPathHoldingAnotherUrlsUserInfo_showsNoPath() {
        tokenServer = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        tokenServer.start();
        tokenServer.stubFor(post(urlEqualTo("/connect/token")).willReturn(aResponse().withStatus(302)
                .withHeader("Location", "/next/https://bob:location-secret@127.0.0.1:9/x")));

        assertThat(authorise(tokenUrl(), Map.of()).getException())
                .hasMessage("CRM login at " + tokenUrl() + " answered HTTP 302, a redirect with a Location header, "
                        + "which the bridge does not follow; set bridge.crm.auth.token-url to the URL the "
                        + "redirects end at");
    }

    @Test
    void redirectToAPathHoldingAnEncodedUserInfo_showsNoPath() {
        tokenServer = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        tokenServer.start();
        tokenServer.stubFor(post(urlEqualTo("/connect/token")).willReturn(aResponse().withStatus(302)
                .withHeader("Location", "/next/https:%2F%2Fbob:location-secret%40127.0.0.1:9/x")));

        assertThat(authorise(tokenUrl(), Map.of()).getException().getMessage())
                .contains("a redirect with a Location header,").doesNotContain("location-secret");
    }

    @Test
    void redirectWithoutLocation_saysSo() {
        tokenAnswer(302, "{}");

        assertThat(authorise(tokenUrl(), Map.of()).getException())
                .hasMessage("CRM login at " + tokenUrl() + " answered HTTP 302, a redirect without a Location "
                        + "header, which the bridge does not follow; set bridge.crm.auth.token-url to the URL the "
                        + "redirects end at");
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

    static Stream<Arguments> answersWithExpiry() {
        String jwt = jwt("{\"sub\":\"bridge\",\"exp\":" + START.plusSeconds(400).getEpochSecond() + "}");
        return Stream.of(
                arguments("expires_in as a number", "\"expires_in\":120", START.plusSeconds(120)),
                arguments("expires_in as a numeric string", "\"expires_in\":\"120\"", START.plusSeconds(120)),
                arguments("expires_in before expires_at", "\"expires_in\":60,\"expires_at\":\"2026-12-04T09:00:00Z\"",
                        START.plusSeconds(60)),
                arguments("expires_at in ISO-8601", "\"expires_at\":\"2026-12-04T08:10:00Z\"",
                        START.plus(Duration.ofMinutes(10))),
                arguments("expires_at in ISO-8601 with an offset", "\"expires_at\":\"2026-12-04T09:10:00+01:00\"",
                        START.plus(Duration.ofMinutes(10))),
                arguments("expires_at in epoch seconds", "\"expires_at\":" + START.plusSeconds(600).getEpochSecond(),
                        START.plusSeconds(600)),
                arguments("expires_at in epoch seconds as a string",
                        "\"expires_at\":\"" + START.plusSeconds(600).getEpochSecond() + "\"", START.plusSeconds(600)),
                arguments("expires_at in epoch milliseconds",
                        "\"expires_at\":" + START.plusSeconds(700).toEpochMilli(), START.plusSeconds(700)),
                arguments("expires_at before the JWT exp", "\"access_token\":\"" + jwt + "\",\"expires_at\":"
                        + START.plusSeconds(600).getEpochSecond(), START.plusSeconds(600)),
                arguments("the JWT exp", "\"access_token\":\"" + jwt + "\"", START.plusSeconds(400)),
                arguments("issued_at in epoch seconds plus the default lifetime",
                        "\"issued_at\":" + START.minusSeconds(300).getEpochSecond(),
                        START.plus(Duration.ofMinutes(15))),
                arguments("issued_at in ISO-8601 plus the default lifetime", "\"issued_at\":\"2026-12-04T07:55:00Z\"",
                        START.plus(Duration.ofMinutes(15))),
                arguments("nothing: the default lifetime from now", "\"scope\":\"api\"",
                        START.plus(Duration.ofMinutes(20))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("answersWithExpiry")
    void expiry_isTakenFromTheAnswer_inTheDocumentedOrder(String source, String fields, Instant expected) {
        tokenAnswer(200, answerWith(fields));

        Token token = login(tokenUrl(), Map.of("bridge.crm.auth.default-lifetime", "20m"));

        assertThat(token.expiresAt()).as("expiry from " + source).isEqualTo(expected);
    }

    static Stream<Arguments> answersWithUnusableExpiry() {
        return Stream.of(
                arguments("\"expires_in\":-5", "answered expires_in -5, which is not a positive number of seconds"),
                arguments("\"expires_in\":\"soon\"", "answered an unreadable expires_in"),
                arguments("\"expires_at\":\"2026-12-04T07:00:00Z\"", "answered expires_at 2026-12-04T07:00:00Z, "
                        + "which is not after the time of the login (2026-12-04T08:00:00Z)"),
                arguments("\"expires_at\":" + START.getEpochSecond(), "answered expires_at 2026-12-04T08:00:00Z, "
                        + "which is not after the time of the login"),
                arguments("\"expires_at\":\"tomorrow\"", "answered an unreadable expires_at; it must be ISO-8601"),
                arguments("\"expires_at\":true", "answered an unreadable expires_at"),
                arguments("\"access_token\":\"" + jwt("{\"exp\":" + START.minusSeconds(1).getEpochSecond() + "}")
                        + "\"", "answered a JWT whose exp claim is 2026-12-04T07:59:59Z, which is not after"),
                arguments("\"access_token\":\"" + jwt("{\"exp\":\"later\"}") + "\"",
                        "answered a JWT with an unreadable exp claim"),
                arguments("\"issued_at\":\"2026-12-04T06:00:00Z\"", "answered issued_at 2026-12-04T06:00:00Z; with "
                        + "bridge.crm.auth.default-lifetime PT20M the token ends at 2026-12-04T06:20:00Z, which is not "
                        + "after"),
                arguments("\"issued_at\":\"yesterday\"", "answered an unreadable issued_at"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("answersWithUnusableExpiry")
    void unusableExpiry_failsTheLoginNamingTheField_andNothingIsCached(String fields, String message) {
        tokenAnswer(200, answerWith(fields));

        Exchange result = authorise(tokenUrl(), Map.of("bridge.crm.auth.default-lifetime", "20m"));

        assertThat(result.getException()).isInstanceOf(LoginException.class)
                .hasMessageStartingWith("CRM login at " + tokenUrl() + " ").hasMessageContaining(message);
        assertThat(cachedToken()).as("cached token").isNull();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"\"expires_in\":9223372036854776", "\"expires_in\":1e30", "\"expires_in\":0.0004"})
    void expiryOutOfAnyRealRange_failsTheLogin_andNothingIsCached(String fields) {
        // Too large for a date, centuries away, or over before it can be used: each would mean a login per call.
        tokenAnswer(200, answerWith(fields));

        Exchange result = authorise(tokenUrl(), Map.of());

        assertThat(result.getException()).isInstanceOf(LoginException.class)
                .hasMessageStartingWith("CRM login answered a token whose expiry ")
                .hasMessageEndingWith("cannot be used: check the expiry the login endpoint sends");
        assertThat(cachedToken()).as("cached token").isNull();
    }

    /** A token answer with the given fields, and an opaque access token unless they bring one. */
    private static String answerWith(String fields) {
        String token = fields.contains("\"access_token\"") ? "" : "\"access_token\":\"opaque-value\",";
        return "{\"token_type\":\"Bearer\"," + token + fields + "}";
    }

    /** An unsigned JWT: the bridge reads its claims without verifying them. */
    private static String jwt(String claims) {
        Base64.Encoder encoder = Base64.getUrlEncoder().withoutPadding();
        return encoder.encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + encoder.encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + ".c2lnbmF0dXJl";
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
