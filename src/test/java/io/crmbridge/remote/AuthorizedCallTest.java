package io.crmbridge.remote;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.crmbridge.BridgeException;
import io.crmbridge.Json;
import io.crmbridge.SystemSettings;
import io.crmbridge.simulator.SimulatorData;
import io.crmbridge.sync.ErpClient;
import io.crmbridge.testsupport.BridgeRuntime;
import io.crmbridge.testsupport.BridgeSettings;
import io.crmbridge.testsupport.BridgeTest;
import io.crmbridge.testsupport.Simulators;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AuthorizedCallTest extends BridgeTest {

    private WireMockServer wireMock;

    @AfterEach
    void stop() {
        if (wireMock != null) {
            wireMock.stop();
        }
    }

    @Test
    void expiredErpSession_answered401_isRenewedOnce_andTheCallRetried() {
        // The ERP ends sessions after 30 s while the bridge believes they last an hour: only the 401 tells.
        startWithSimulators(Map.of("bridge.erp.auth.session-lifetime", "1h"));
        erpCall();
        systems.clock.advance(Duration.ofSeconds(31));

        String answer = erpCall();

        assertThat(answer).as("answer after the retry").contains("\"result\"");
        assertThat(systems.erp.expiredSessionRejections()).as("401s from the ERP").isEqualTo(1);
        assertThat(systems.erp.logins()).as("ERP logins").isEqualTo(2);
        assertThat(erpCall()).as("next call reuses the new session").contains("\"result\"");
        assertThat(systems.erp.logins()).isEqualTo(2);
    }

    @Test
    void rejectedAgainAfterRelogin_failsOnceWithErrorNamingTheSystem() {
        startWithWireMock();
        wireMock.stubFor(get(urlPathEqualTo("/0/odata/Order")).willReturn(aResponse().withStatus(401)));

        assertThatThrownBy(() -> crmGet("/0/odata/Order?$top=1"))
                .isInstanceOf(RemoteCallException.class)
                .hasMessageStartingWith("CRM rejected the call GET http://127.0.0.1:")
                .hasMessageContaining("with 401 even after a fresh login");
        wireMock.verify(2, getRequestedFor(urlPathEqualTo("/0/odata/Order")));
        wireMock.verify(2, postRequestedFor(urlEqualTo("/connect/token")));
    }

    @Test
    void htmlErrorPage_becomesOneClearError_withoutTheHtml() {
        startWithWireMock();
        wireMock.stubFor(get(urlPathEqualTo("/0/odata/Order")).willReturn(aResponse().withStatus(503)
                .withHeader("Content-Type", "text/html").withBody("<html><body>Service Unavailable</body></html>")));

        assertThatThrownBy(() -> crmGet("/0/odata/Order?$top=1"))
                .isInstanceOf(RemoteCallException.class)
                .hasMessageStartingWith("CRM answered HTTP 503 to GET http://127.0.0.1:")
                .hasMessageEndingWith("with a text/html body")
                .satisfies(e -> assertThat(((RemoteCallException) e).status()).isEqualTo(503));
    }

    @Test
    void malformedErpJson_failsNamingTheSystemAndTheCall() {
        startWithSimulators(Map.of());
        erpCall();
        systems.erp.failNextRequests(1, 200, "application/json", "{\"id\": 1, \"result\": [1, ");

        ErpClient erp = new ErpClient(new SystemSettings(bridge.context()), new RemoteCalls(bridge.context()));

        assertThatThrownBy(() -> erp.call("model.res.user.get_preferences",
                Json.MAPPER.createArrayNode().add(true).add(Json.MAPPER.createObjectNode()),
                "reading the preferences"))
                .isInstanceOf(BridgeException.class)
                .hasMessage("ERP answered model.res.user.get_preferences (reading the preferences) without a JSON "
                        + "object (application/json)");
    }

    @Test
    void malformedLoginAnswer_failsTheLoginNamingTheSystem() {
        startWithSimulators(Map.of());
        systems.erp.failNextRequests(1, 200, "application/json", "{\"id\": 0, \"result\": [2, ");

        assertThatThrownBy(this::erpCall)
                .hasMessage("ERP login at " + systems.erp.url() + " answered a body that is not valid JSON "
                        + "(application/json)");
        // The first retry waits up to the initial backoff of 1 s.
        systems.clock.advance(Duration.ofSeconds(1));
        assertThat(erpCall()).as("the next call after the backoff logs in normally").contains("\"result\"");
    }

    @Test
    void unreachableSystem_isReportedAsConnectionRefused_notAsExpiry() {
        bridge = BridgeRuntime.start(BridgeSettings.withWatermark(folder.resolve("w.json"))
                .crm("http://127.0.0.1:9", "http://127.0.0.1:9/connect/token", "bridge-test", "unused-secret")
                .toMap(), Map.of());

        assertThatThrownBy(() -> crmGet("/0/odata/Order?$top=1"))
                .hasMessage("CRM login at http://127.0.0.1:9/connect/token failed: connection refused "
                        + "(is the server running and the URL right?)");
    }

    @Test
    void httpsSystem_isCalledWithTheHttpComponentsSettings_includingTrustStoreAndTimeouts() throws Exception {
        // A system on https whose certificate only the http component's TLS settings trust, and a one-second
        // response timeout on the http component: both reach https calls and logins as they reach http ones.
        Path keyStore = folder.resolve("crm-tls.p12");
        String password = "store-" + UUID.randomUUID();
        String base = startHttpsWireMock(keyStore, password);
        wireMock.stubFor(get(urlPathEqualTo("/0/odata/Slow")).willReturn(okJson("{}").withFixedDelay(5_000)));
        bridge = BridgeRuntime.start(BridgeSettings.withWatermark(folder.resolve("w.json"))
                .crm(base, base + "/connect/token", "bridge-test", "wiremock-secret")
                .with("camel.beans.crmTls", "#class:org.apache.camel.support.jsse.SSLContextParameters")
                .with("camel.beans.crmTls.trustManagers",
                        "#class:org.apache.camel.support.jsse.TrustManagersParameters")
                .with("camel.beans.crmTls.trustManagers.keyStore",
                        "#class:org.apache.camel.support.jsse.KeyStoreParameters")
                .with("camel.beans.crmTls.trustManagers.keyStore.resource", "file:" + keyStore)
                .with("camel.beans.crmTls.trustManagers.keyStore.password", password)
                .with("camel.component.http.ssl-context-parameters", "#crmTls")
                .with("camel.component.http.response-timeout", "1000")
                .toMap(), Map.of());

        assertThat(crmGet("/0/odata/Order?$top=1")).as("answer over https").isEqualTo("{\"value\":[]}");
        assertThatThrownBy(() -> crmGet("/0/odata/Slow"))
                .hasMessage("CRM call GET " + base + "/0/odata/Slow failed: no answer in time (timeout)");
        wireMock.verify(1, postRequestedFor(urlEqualTo("/connect/token")));
    }

    @Test
    void httpsSystemWithAnUntrustedCertificate_failsNamingTheTlsHandshake() throws Exception {
        String base = startHttpsWireMock(folder.resolve("crm-tls.p12"), "store-" + UUID.randomUUID());
        bridge = BridgeRuntime.start(BridgeSettings.withWatermark(folder.resolve("w.json"))
                .crm(base, base + "/connect/token", "bridge-test", "wiremock-secret").toMap(), Map.of());

        assertThatThrownBy(() -> crmGet("/0/odata/Order?$top=1"))
                .hasMessage("CRM login at " + base + "/connect/token failed: TLS handshake failed (an https server "
                        + "whose certificate is trusted and names this host? See the TLS settings in the README)");
    }

    /** Starts WireMock on https only, with a new self-signed certificate, as a CRM; returns its base URL. */
    private String startHttpsWireMock(Path keyStore, String password) throws Exception {
        selfSignedKeyStore(keyStore, password);
        wireMock = new WireMockServer(options().bindAddress("127.0.0.1").httpDisabled(true).dynamicHttpsPort()
                .keystorePath(keyStore.toString()).keystoreType("PKCS12").keystorePassword(password)
                .keyManagerPassword(password));
        wireMock.start();
        wireMock.stubFor(post(urlEqualTo("/connect/token")).willReturn(okJson(
                "{\"access_token\":\"opaque-token-value\",\"token_type\":\"Bearer\",\"expires_in\":300}")));
        wireMock.stubFor(get(urlPathEqualTo("/0/odata/Order"))
                .withHeader("Authorization", equalTo("Bearer opaque-token-value"))
                .willReturn(okJson("{\"value\":[]}")));
        return "https://127.0.0.1:" + wireMock.httpsPort();
    }

    private static void selfSignedKeyStore(Path keyStore, String password) throws Exception {
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process process = new ProcessBuilder(keytool, "-genkeypair", "-alias", "crm", "-keyalg", "EC",
                "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", keyStore.toString(), "-storepass", password, "-keypass", password)
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as("keytool exit code, output: " + output).isZero();
    }

    private void startWithSimulators(Map<String, String> extra) {
        systems = Simulators.start(SimulatorData.generate(7L, 2, 3, 2, Simulators.START), Duration.ofSeconds(30),
                Duration.ofSeconds(30), folder);
        startBridgeWith(extra);
    }

    private void startWithWireMock() {
        wireMock = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        wireMock.start();
        wireMock.stubFor(post(urlEqualTo("/connect/token")).willReturn(okJson(
                "{\"access_token\":\"opaque-token-value\",\"token_type\":\"Bearer\",\"expires_in\":300}")));
        String base = "http://127.0.0.1:" + wireMock.port();
        bridge = BridgeRuntime.start(BridgeSettings.withWatermark(folder.resolve("w.json"))
                .crm(base, base + "/connect/token", "bridge-test", "wiremock-secret").toMap(), Map.of());
    }

    private String crmGet(String pathAndQuery) {
        String base = bridge.context().getPropertiesComponent().resolveProperty("bridge.crm.base-url").orElseThrow();
        return new RemoteCalls(bridge.context()).call("crm", "GET", base + pathAndQuery, null, null).body();
    }

    private String erpCall() {
        String body = "{\"id\":1,\"method\":\"model.res.user.get_preferences\",\"params\":[true,{}]}";
        return new RemoteCalls(bridge.context()).call("erp", "POST", systems.erp.url(), "application/json", body)
                .body();
    }
}
