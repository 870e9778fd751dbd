package io.crmbridge.auth;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import io.crmbridge.remote.RemoteCallException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Creatio's cookie login: cookies and the CSRF header on every call, and refusals that come as HTTP 200. */
class CreatioFormsLoginTest {

    private static final String LOGIN_PATH = "/ServiceModel/AuthService.svc/Login";

    @TempDir
    Path folder;

    private final LoginBench bench = new LoginBench();
    private final String password = "crm-password-" + UUID.randomUUID();

    @AfterEach
    void stop() {
        bench.close();
    }

    @Test
    void login_sendsCookiesAndCsrfHeader_onTheNextCall() {
        loginAnswers(okJson("{\"Code\":0,\"Message\":\"\",\"Exception\":null}").withHeader("Set-Cookie",
                ".ASPXAUTH=auth-value; path=/; HttpOnly", "BPMCSRF=csrf-value; path=/",
                "BPMLOADER=loader-value; path=/; HttpOnly", "UserName=83|121|110|99; path=/"));
        bench.server.stubFor(get(urlPathEqualTo("/0/odata/Contact")).willReturn(okJson("{\"value\":[]}")));
        start(Map.of("bridge.crm.auth.session-lifetime", "20m"));

        bench.get("crm", "/0/odata/Contact?$top=1");

        var call = bench.requestsTo("/0/odata/Contact?$top=1").get(0);
        assertThat(call.getHeaders().getHeader("Cookie").values()).as("one Cookie header with every session cookie")
                .containsExactly(".ASPXAUTH=auth-value; BPMCSRF=csrf-value; BPMLOADER=loader-value; "
                        + "UserName=83|121|110|99");
        assertThat(call.getHeader("BPMCSRF")).as("CSRF header").isEqualTo("csrf-value");
        assertThat(call.containsHeader("Authorization")).as("Authorization header sent").isFalse();
        Token token = bench.cached("crm");
        assertThat(token.expiresAt()).as("expiry from session-lifetime").isEqualTo(LoginBench.START.plus(
                Duration.ofMinutes(20)));
        assertThat(token.toString()).as("token description").doesNotContain("auth-value", "csrf-value");
    }

    @Test
    void login_postsUserAndPassword_withForceUseSession() {
        loginAnswers(okJson("{\"Code\":0}").withHeader("Set-Cookie", ".ASPXAUTH=a; path=/", "BPMCSRF=c; path=/"));
        start(Map.of());

        assertThat(bench.authorise("crm").getException()).as("login error").isNull();

        var login = bench.requestsTo(LOGIN_PATH);
        assertThat(login).as("login requests").hasSize(1);
        assertThat(equalToJson("{\"UserName\":\"sync\",\"UserPassword\":\"" + password + "\"}")
                .match(login.get(0).getBodyAsString()).isExactMatch()).as("login body").isTrue();
        assertThat(login.get(0).getHeader("ForceUseSession")).isEqualTo("true");
        assertThat(bench.cached("crm").expiresAt()).as("default session lifetime")
                .isEqualTo(LoginBench.START.plus(Duration.ofMinutes(30)));
    }

    @Test
    void refusedLogin_answeredWith200AndNonZeroCode_failsClearly_andCachesNothing() {
        // Creatio answers 200 to a wrong password: only the Code tells, and the call must not go out.
        loginAnswers(okJson("{\"Code\":1,\"Message\":\"Invalid username or password specified.\"}"));
        start(Map.of());

        assertThatThrownBy(() -> bench.get("crm", "/0/odata/Contact"))
                .isInstanceOf(LoginException.class)
                .hasMessage("CRM login refused for user 'sync' at " + bench.baseUrl() + LOGIN_PATH + ": Code 1 "
                        + "(Invalid username or password specified.); check bridge.crm.auth.login and "
                        + "bridge.crm.auth.password");
        assertThat(bench.cachedJson("crm")).as("cached token").isNull();
        bench.server.verify(0, getRequestedFor(urlPathEqualTo("/0/odata/Contact")));
    }

    @Test
    void refusalRepeatingThePassword_showsItAsStars() {
        loginAnswers(okJson("{\"Code\":1,\"Message\":\"Wrong password " + password.toUpperCase(Locale.ROOT)
                + " for sync\"}"));
        start(Map.of());

        assertThat(bench.authorise("crm").getException()).isInstanceOf(LoginException.class)
                .hasMessage("CRM login refused for user 'sync' at " + bench.baseUrl() + LOGIN_PATH + ": Code 1 "
                        + "(Wrong password *** for sync); check bridge.crm.auth.login and bridge.crm.auth.password");
    }

    @Test
    void successCodeWithoutSessionCookie_failsNamingTheCookie_andCachesNothing() {
        loginAnswers(okJson("{\"Code\":0}").withHeader("Set-Cookie", "BPMCSRF=c; path=/"));
        start(Map.of());

        assertThat(bench.authorise("crm").getException()).hasMessage("CRM login at " + bench.baseUrl() + LOGIN_PATH
                + " answered Code 0 without the .ASPXAUTH cookie; check that bridge.crm.base-url (or "
                + "bridge.crm.auth.login-url) is a Creatio site");
        assertThat(bench.cachedJson("crm")).as("cached token").isNull();
    }

    @Test
    void loginUrlSetting_replacesTheDefaultPath() {
        bench.server.stubFor(post(urlEqualTo("/custom/login")).withHeader("ForceUseSession", equalTo("true"))
                .willReturn(okJson("{\"Code\":0}").withHeader("Set-Cookie", ".ASPXAUTH=a", "BPMCSRF=c")));
        start(Map.of("bridge.crm.auth.login-url", bench.baseUrl() + "/custom/login"));

        assertThat(bench.authorise("crm").getException()).as("login error").isNull();
        assertThat(bench.cached("crm").headers()).containsEntry("BPMCSRF", "c");
    }

    @Test
    void rejectedCall_afterLogin_isStillReportedAsRejected() {
        loginAnswers(okJson("{\"Code\":0}").withHeader("Set-Cookie", ".ASPXAUTH=a", "BPMCSRF=c"));
        bench.server.stubFor(get(urlPathEqualTo("/0/odata/Contact"))
                .willReturn(aResponse().withStatus(401)));
        start(Map.of());

        assertThatThrownBy(() -> bench.get("crm", "/0/odata/Contact")).isInstanceOf(RemoteCallException.class)
                .hasMessageContaining("with 401 even after a fresh login");
        assertThat(bench.requestsTo(LOGIN_PATH)).as("logins: the first and one after the 401").hasSize(2);
    }

    private void loginAnswers(ResponseDefinitionBuilder answer) {
        bench.server.stubFor(post(urlEqualTo(LOGIN_PATH)).willReturn(answer));
    }

    private void start(Map<String, String> extra) {
        Map<String, String> settings = new HashMap<>(Map.of("bridge.crm.base-url", bench.baseUrl(),
                "bridge.crm.auth.kind", "creatio-forms", "bridge.crm.auth.login", "sync",
                "bridge.crm.auth.password", password));
        settings.putAll(extra);
        bench.startBridge(folder, settings);
    }
}
