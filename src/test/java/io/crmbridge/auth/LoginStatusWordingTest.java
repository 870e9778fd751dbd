package io.crmbridge.auth;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a Creatio, Tryton or generic session login says when its endpoint answers neither with a session nor with a
 * refusal of the credentials: a redirect, a busy or failing server, a wrong address.
 */
class LoginStatusWordingTest {

    /** The login kinds whose refusals are worded here, each with the settings it needs and where it logs in. */
    enum Kind {
        CREATIO("creatio-forms", "/ServiceModel/AuthService.svc/Login",
                "bridge.crm.base-url (or bridge.crm.auth.login-url)", Map.of()),
        SESSION_LOGIN("session-login", "/b1s/v1/Login", "bridge.crm.base-url (or bridge.crm.auth.login-url)",
                Map.of("bridge.crm.auth.company", "SBODEMO")),
        TRYTON("tryton-session", "/bridge/", "bridge.crm.base-url and bridge.crm.database",
                Map.of("bridge.crm.database", "bridge"));

        private final String name;
        private final String loginPath;
        private final String urlSettings;
        private final Map<String, String> settings;

        Kind(String name, String loginPath, String urlSettings, Map<String, String> settings) {
            this.name = name;
            this.loginPath = loginPath;
            this.urlSettings = urlSettings;
            this.settings = settings;
        }
    }

    @TempDir
    Path folder;

    private final LoginBench bench = new LoginBench();

    @AfterEach
    void stop() {
        bench.close();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void redirect_isCalledOne_withWhereItPoints_withoutItsQuery(Kind kind) {
        String failure = loginFailure(kind, aResponse().withStatus(302)
                .withHeader("Location", "https://sso.example.com/login?ReturnUrl=%2F&ticket=sso-ticket-value"));

        assertThat(failure).isEqualTo(start(kind) + "302, a redirect to https://sso.example.com/login, which the "
                + "bridge does not follow; check " + kind.urlSettings);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void redirectWithoutLocation_saysSo(Kind kind) {
        String failure = loginFailure(kind, aResponse().withStatus(307));

        assertThat(failure).isEqualTo(start(kind) + "307, a redirect without a Location header, which the bridge "
                + "does not follow; check " + kind.urlSettings);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void serverError_withoutRetryAfter_saysTheEndpointMayBeDown(Kind kind) {
        String failure = loginFailure(kind, aResponse().withStatus(503).withBody("<html>Service Unavailable</html>"));

        assertThat(failure).isEqualTo(start(kind) + "503: the login endpoint may be down, or " + kind.urlSettings
                + " may be wrong");
    }

    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"CREATIO", "SESSION_LOGIN"})
    void tooManyRequests_withoutRetryAfter_saysTheEndpointIsBusy(Kind kind) {
        String failure = loginFailure(kind, aResponse().withStatus(429));

        assertThat(failure).isEqualTo(start(kind) + "429 (too many requests): the login endpoint is busy; the "
                + "bridge tries again later");
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void notFound_namesTheAddressSettings(Kind kind) {
        String failure = loginFailure(kind, aResponse().withStatus(404));

        assertThat(failure).isEqualTo(start(kind) + "404: check " + kind.urlSettings);
    }

    private String start(Kind kind) {
        return "CRM login at " + bench.baseUrl() + kind.loginPath + " answered HTTP ";
    }

    /** Starts the bridge with the CRM logging in by {@code kind} at a server giving {@code answer}; the error. */
    private String loginFailure(Kind kind, ResponseDefinitionBuilder answer) {
        bench.server.stubFor(post(anyUrl()).willReturn(answer));
        Map<String, String> settings = new HashMap<>(Map.of("bridge.crm.base-url", bench.baseUrl(),
                "bridge.crm.auth.kind", kind.name, "bridge.crm.auth.login", "sync",
                "bridge.crm.auth.password", "crm-password-value"));
        settings.putAll(kind.settings);
        bench.startBridge(folder, settings);

        Exception error = bench.authorise("crm").getException();
        assertThat(error).as("login error").isNotNull();
        assertThat(bench.cachedJson("crm")).as("token cached").isNull();
        assertThat(bench.requestsTo(kind.loginPath)).as("login requests").hasSize(1);
        return error.getMessage();
    }
}
