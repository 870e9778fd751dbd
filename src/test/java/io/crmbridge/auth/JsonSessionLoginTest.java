package io.crmbridge.auth;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/** The generic JSON session login: SAP Business One's Service Layer by default, any JSON login by settings. */
class JsonSessionLoginTest {

    private static final String B1_LOGIN = "/b1s/v1/Login";

    @TempDir
    Path folder;

    private final LoginBench bench = new LoginBench();
    private final String password = "b1-password-" + UUID.randomUUID();

    @AfterEach
    void stop() {
        bench.close();
    }

    @Test
    void b1Defaults_sendCompanyUserAndPassword_andTheSessionAsB1SessionCookie() {
        b1LoginAnswers(okJson("{\"SessionId\":\"b1-session-1\",\"Version\":\"1000190\",\"SessionTimeout\":30}")
                .withHeader("Set-Cookie", "B1SESSION=b1-session-1;HttpOnly;", "ROUTEID=.node2; path=/b1s"));
        bench.server.stubFor(get(urlPathEqualTo("/b1s/v1/Items")).willReturn(okJson("{\"value\":[]}")));
        startB1(Map.of());

        bench.get("b1", "/b1s/v1/Items");

        var login = bench.requestsTo(B1_LOGIN).get(0);
        assertThat(equalToJson("{\"CompanyDB\":\"SBODEMOUS\",\"UserName\":\"manager\",\"Password\":\"" + password
                + "\"}").match(login.getBodyAsString()).isExactMatch()).as("login body").isTrue();
        var call = bench.requestsTo("/b1s/v1/Items").get(0);
        assertThat(call.getHeaders().getHeader("Cookie").values()).as("cookies sent, the load balancer's included")
                .containsExactly("B1SESSION=b1-session-1; ROUTEID=.node2");
        assertThat(call.containsHeader("Authorization")).as("Authorization header sent").isFalse();
    }

    @Test
    void b1SessionTimeout_isReadInMinutes() {
        b1LoginAnswers(okJson("{\"SessionId\":\"s\",\"SessionTimeout\":45}"));
        startB1(Map.of());

        assertThat(bench.authorise("b1").getException()).as("login error").isNull();

        assertThat(bench.cached("b1").expiresAt()).isEqualTo(LoginBench.START.plus(Duration.ofMinutes(45)));
        assertThat(bench.cached("b1").headers()).as("headers without a Set-Cookie in the answer")
                .containsExactly(Map.entry("Cookie", "B1SESSION=s"));
    }

    @Test
    void otherJsonLogin_isDescribedBySettingsAlone_andSentAsHeader() {
        bench.server.stubFor(post(urlEqualTo("/api/session")).withRequestBody(equalToJson(
                "{\"user\":\"reader\",\"secret\":\"" + password + "\"}")).willReturn(okJson(
                "{\"data\":{\"token\":\"doc-session-7\",\"ttl\":\"900\"}}")));
        bench.server.stubFor(get(urlPathEqualTo("/api/documents")).willReturn(okJson("[]")));
        bench.startBridge(folder, Map.of("bridge.docs.base-url", bench.baseUrl(),
                "bridge.docs.auth.kind", "session-login",
                "bridge.docs.auth.login-url", bench.baseUrl() + "/api/session",
                "bridge.docs.auth.body-fields", "user=login,secret=password",
                "bridge.docs.auth.login", "reader", "bridge.docs.auth.password", password,
                "bridge.docs.auth.session-pointer", "/data/token", "bridge.docs.auth.lifetime-pointer", "/data/ttl",
                "bridge.docs.auth.lifetime-unit", "seconds", "bridge.docs.auth.send-as", "header:X-Session"));

        bench.get("docs", "/api/documents");

        assertThat(bench.requestsTo("/api/documents").get(0).getHeader("X-Session")).isEqualTo("doc-session-7");
        assertThat(bench.cached("docs").expiresAt()).isEqualTo(LoginBench.START.plusSeconds(900));
    }

    @Test
    void refusalRepeatingAFieldWhoseSettingIsNotNamedLikeASecret_showsItAsStars() {
        String pin = "pin-" + UUID.randomUUID();
        bench.server.stubFor(post(urlEqualTo("/api/session")).willReturn(aResponse().withStatus(401)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"message\":\"pin " + pin + " rejected\"}")));
        bench.startBridge(folder, Map.of("bridge.docs.base-url", bench.baseUrl(),
                "bridge.docs.auth.kind", "session-login",
                "bridge.docs.auth.login-url", bench.baseUrl() + "/api/session",
                "bridge.docs.auth.body-fields", "user=login,pin=pin", "bridge.docs.auth.login", "reader",
                "bridge.docs.auth.pin", pin, "bridge.docs.auth.session-lifetime", "10m"));

        assertThat(bench.authorise("docs").getException()).isInstanceOf(LoginException.class)
                .hasMessageContaining("(pin *** rejected)").hasMessageNotContaining(pin);
    }

    @Test
    void zeroSessionTimeout_isRefused_andNothingIsCached() {
        b1LoginAnswers(okJson("{\"SessionId\":\"s\",\"SessionTimeout\":0}"));
        startB1(Map.of());

        assertThat(bench.authorise("b1").getException()).isInstanceOf(LoginException.class)
                .hasMessage("B1 login at " + bench.baseUrl() + B1_LOGIN + " answered session lifetime 0 at "
                        + "/SessionTimeout, which is not a positive number of minutes");
        assertThat(bench.cachedJson("b1")).as("cached token").isNull();
    }

    @Test
    void unreadableSessionTimeout_isRefused_andNothingIsCached() {
        b1LoginAnswers(okJson("{\"SessionId\":\"s\",\"SessionTimeout\":\"half an hour\"}"));
        startB1(Map.of());

        assertThat(bench.authorise("b1").getException()).isInstanceOf(LoginException.class)
                .hasMessage("B1 login at " + bench.baseUrl() + B1_LOGIN + " answered an unreadable session "
                        + "lifetime at /SessionTimeout");
        assertThat(bench.cachedJson("b1")).as("cached token").isNull();
    }

    @Test
    void answerWithoutSessionId_isRefused_andNothingIsCached() {
        b1LoginAnswers(okJson("{\"SessionTimeout\":30}"));
        startB1(Map.of());

        assertThat(bench.authorise("b1").getException()).isInstanceOf(LoginException.class)
                .hasMessage("B1 login at " + bench.baseUrl() + B1_LOGIN + " answered no session id at /SessionId; "
                        + "check bridge.b1.auth.session-pointer");
        assertThat(bench.cachedJson("b1")).as("cached token").isNull();
    }

    @Test
    void missingLifetime_usesTheSessionLifetimeSetting() {
        b1LoginAnswers(okJson("{\"SessionId\":\"s\"}"));
        startB1(Map.of("bridge.b1.auth.session-lifetime", "10m"));

        assertThat(bench.authorise("b1").getException()).as("login error").isNull();

        assertThat(bench.cached("b1").expiresAt()).isEqualTo(LoginBench.START.plus(Duration.ofMinutes(10)));
    }

    @Test
    void refusalRepeatingThePassword_showsItAsStars_andTheUserAsSent() {
        b1LoginAnswers(aResponse().withStatus(401).withHeader("Content-Type", "application/json").withBody(
                "{\"error\":{\"message\":{\"value\":\"manager may not log in with " + password + "\"}}}"));
        startB1(Map.of());

        assertThat(bench.authorise("b1").getException()).isInstanceOf(LoginException.class)
                .hasMessage("B1 login refused for user 'manager' at " + bench.baseUrl() + B1_LOGIN + ": HTTP 401 "
                        + "(manager may not log in with ***); check bridge.b1.auth.company, bridge.b1.auth.login, "
                        + "bridge.b1.auth.password");
    }

    @Test
    void refusedB1Login_namesTheUserB1sMessageAndTheSettings() {
        b1LoginAnswers(aResponse().withStatus(401).withHeader("Content-Type", "application/json").withBody(
                "{\"error\":{\"code\":-304,\"message\":{\"lang\":\"en-us\",\"value\":\"Fail to get DB Credentials "
                        + "from SLD\"}}}"));
        startB1(Map.of());

        assertThat(bench.authorise("b1").getException()).isInstanceOf(LoginException.class)
                .hasMessage("B1 login refused for user 'manager' at " + bench.baseUrl() + B1_LOGIN + ": HTTP 401 "
                        + "(Fail to get DB Credentials from SLD); check bridge.b1.auth.company, bridge.b1.auth.login, "
                        + "bridge.b1.auth.password");
        assertThat(bench.cachedJson("b1")).as("cached token").isNull();
    }

    private void b1LoginAnswers(ResponseDefinitionBuilder answer) {
        bench.server.stubFor(post(urlEqualTo(B1_LOGIN)).willReturn(answer));
    }

    private void startB1(Map<String, String> extra) {
        Map<String, String> settings = new HashMap<>(Map.of("bridge.b1.base-url", bench.baseUrl(),
                "bridge.b1.auth.kind", "session-login", "bridge.b1.auth.company", "SBODEMOUS",
                "bridge.b1.auth.login", "manager", "bridge.b1.auth.password", password));
        settings.putAll(extra);
        bench.startBridge(folder, settings);
    }
}
