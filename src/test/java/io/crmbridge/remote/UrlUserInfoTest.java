package io.crmbridge.remote;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.crmbridge.BridgeNames;
import io.crmbridge.auth.LoginException;
import io.crmbridge.testsupport.BridgeRuntime;
import io.crmbridge.testsupport.BridgeSettings;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * A URL may carry user-info ({@code http://user:password@host/...}): no error message, no cause and no log line
 * shows its password, and each still names the system, the host and the path. Apache HttpClient 5 refuses to send
 * a request URI with user-info, so a URL setting holding one stops the start, and a caller's URL holding one fails
 * its call before it leaves.
 */
class UrlUserInfoTest {

    private static final String PASSWORD = "S3cr3t-userinfo";
    private static final String TOKEN_PATH = "/connect/token";
    private static final String ORDERS = "/0/odata/Order?$top=1";

    @TempDir
    Path folder;

    private final WireMockServer wireMock = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
    private final ListAppender<ILoggingEvent> events = new ListAppender<>();
    private BridgeRuntime bridge;

    @BeforeEach
    void start() {
        wireMock.start();
        events.start();
        root().addAppender(events);
    }

    @AfterEach
    void stop() {
        root().detachAppender(events);
        if (bridge != null) {
            bridge.close();
        }
        wireMock.stop();
    }

    @Test
    void urlSettingsWithUserInfo_stopTheStart_namingTheSetting_butNotThePassword() {
        // Apache HttpClient refuses to send user-info, so such a setting could never work: it stops the start.
        Throwable error = catchThrowable(() -> startBridge(withUserInfo(base()), withUserInfo(base()) + TOKEN_PATH));

        assertThat(error).as("start-up error").isNotNull().rootCause()
                .hasMessageStartingWith("Setting bridge.crm.base-url must be an absolute http or https URL")
                .hasMessageContaining("holds an @: user-info (user:password@)");
        assertThat(textOf(error)).as("error and causes").doesNotContain(PASSWORD);
        assertThat(loggedText().contains(PASSWORD)).as("the log output holds the password").isFalse();
    }

    @Test
    void tokenUrlWithAKeyInItsQuery_answering500_failsTheLogin_withoutTheQuery() {
        // Identity servers sometimes take keys in the query: a login error shows the token URL without it.
        wireMock.stubFor(post(urlPathEqualTo(TOKEN_PATH)).willReturn(aResponse().withStatus(500)));
        startBridge(base(), base() + TOKEN_PATH + "?tenant_key=Q-" + PASSWORD);

        Throwable error = catchThrowable(() -> call(base() + ORDERS));

        assertThat(error).as("login error").isInstanceOf(LoginException.class)
                .hasMessage("CRM login at " + base() + TOKEN_PATH + " answered HTTP 500; the identity server may "
                        + "be down, or bridge.crm.auth.token-url may be wrong");
        assertThat(textOf(error)).as("error and causes").doesNotContain(PASSWORD);
        wireMock.verify(postRequestedFor(urlEqualTo(TOKEN_PATH + "?tenant_key=Q-" + PASSWORD)));
    }

    @Test
    void callerUrlWithUserInfo_failsTheDataCall_namingHostPathAndQuery_butNotThePassword() {
        // A caller of RemoteCalls of its own may still hand over a URL with user-info.
        wireMock.stubFor(post(urlEqualTo(TOKEN_PATH)).willReturn(okJson(
                "{\"access_token\":\"opaque-token-value\",\"token_type\":\"Bearer\",\"expires_in\":300}")));
        startBridge(base(), base() + TOKEN_PATH);

        Throwable error = catchThrowable(() -> call(withUserInfo(base()) + ORDERS));

        assertThat(error).as("call error").isInstanceOf(RemoteCallException.class)
                .hasMessageStartingWith("CRM call GET http://***@127.0.0.1:" + wireMock.port() + ORDERS
                        + " failed: the URL holds user-info");
        assertThat(textOf(error)).as("error and causes").doesNotContain(PASSWORD);
        assertThat(loggedText().contains(PASSWORD)).as("the log output holds the password").isFalse();
    }

    @ParameterizedTest
    @ValueSource(ints = {404, 500})
    void dataCallAnsweredWithAnError_keepsTheQueryInTheMessage(int status) {
        // The query of a data call holds the OData filter, which is what one needs to see to debug it.
        wireMock.stubFor(post(urlEqualTo(TOKEN_PATH)).willReturn(okJson(
                "{\"access_token\":\"opaque-token-value\",\"token_type\":\"Bearer\",\"expires_in\":300}")));
        wireMock.stubFor(get(urlPathEqualTo("/0/odata/Order")).willReturn(aResponse().withStatus(status)));
        startBridge(base(), base() + TOKEN_PATH);

        Throwable error = catchThrowable(() -> call(base() + ORDERS));

        assertThat(error).as("call error").isInstanceOf(RemoteCallException.class)
                .hasMessage("CRM answered HTTP " + status + " to GET " + base() + ORDERS);
    }

    @ParameterizedTest
    @ValueSource(ints = {401, 404, 500})
    void errorAnswerToAUrlWithUserInfo_namesTheCallWithoutThePassword(int status) {
        // No request with user-info leaves HttpClient, so the check of the answer is given one directly.
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.setVariable(BridgeNames.SYSTEM, "crm");
        exchange.setVariable(BridgeNames.HTTP_METHOD, "GET");
        exchange.setVariable(BridgeNames.URL, withUserInfo("http://127.0.0.1:9") + ORDERS);
        exchange.setVariable(BridgeNames.RESPONSE, new HttpReply(status, "application/json", "{}"));

        Throwable error = catchThrowable(() -> new Replies().check(exchange));

        assertThat(error).as("error").isInstanceOf(RemoteCallException.class)
                .hasMessageContaining("GET http://***@127.0.0.1:9" + ORDERS);
        assertThat(textOf(error)).as("error and causes").doesNotContain(PASSWORD);
    }

    @Test
    void callToAUrlThatIsNoHttpUrl_namesItWithoutUserInfoOrQuery() {
        startBridge(base(), base() + TOKEN_PATH);

        Throwable error = catchThrowable(() -> call("ftp://user:" + PASSWORD + "@127.0.0.1/orders?key=Q-"
                + PASSWORD));

        assertThat(error).as("call error").isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Not an absolute http(s) URL: ftp://***@127.0.0.1/orders");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "https://u:pw@crm.example:8443/odata/Order?$top=1#f | https://***@crm.example:8443/odata/Order?$top=1#f"
                + " | https://***@crm.example:8443/odata/Order",
        "https://crm.example.com/odata/Order?$top=1 | https://crm.example.com/odata/Order?$top=1"
                + " | https://crm.example.com/odata/Order",
        "HTTP://sync@[::1]:9/connect/token | HTTP://***@[::1]:9/connect/token | HTTP://***@[::1]:9/connect/token",
        "http://sync:pa/ss@w@erp.example.com/db/ | http://***@erp.example.com/db/ | http://***@erp.example.com/db/",
        "https://sync:pa?ss@id.example.com/token?k=v | https://***@id.example.com/token?k=v | https://***",
        "https://id.example.com/token?hint=a@b.example&key=v | https://***@b.example&key=v | https://***",
        "sync:pw@erp.example.com/db | ***@erp.example.com/db | ***@erp.example.com/db"})
    void redactedUrls_leaveOutUserInfo_andLoginUrlsTheirQueryToo(String url, String shown, String shownLogin) {
        // A password pasted without percent-encoding may hold / ? # or @: no part of it may show.
        assertThat(HttpCalls.redactedUrl(url)).as("as a data call shows it").isEqualTo(shown);
        assertThat(HttpCalls.redactedLoginUrl(url)).as("as a login shows it").isEqualTo(shownLogin);
    }

    /** Everything logged so far, stack traces included. */
    private String loggedText() {
        // The appender adds under its own lock; a server thread may still be logging.
        synchronized (events) {
            return events.list.stream().map(UrlUserInfoTest::textOf).collect(Collectors.joining("\n"));
        }
    }

    private void startBridge(String crmBase, String tokenUrl) {
        bridge = BridgeRuntime.start(BridgeSettings.withWatermark(folder.resolve("w.json"))
                .crm(crmBase, tokenUrl, "bridge-test", "wiremock-secret")
                .erp(crmBase, "bridge", "sync", "erp-password", "30s")
                .toMap(), Map.of());
    }

    private String call(String url) {
        return new RemoteCalls(bridge.context()).call("crm", "GET", url, null, null).body();
    }

    private String base() {
        return "http://127.0.0.1:" + wireMock.port();
    }

    private static String withUserInfo(String url) {
        return url.replace("://", "://user:" + PASSWORD + "@");
    }

    private static String textOf(Throwable error) {
        StringWriter text = new StringWriter();
        error.printStackTrace(new PrintWriter(text));
        return text.toString();
    }

    private static String textOf(ILoggingEvent event) {
        String message = event.getFormattedMessage();
        return event.getThrowableProxy() == null ? message
                : message + "\n" + ThrowableProxyUtil.asString(event.getThrowableProxy());
    }

    private static Logger root() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }
}
