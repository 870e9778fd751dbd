package io.crmbridge.observe;

import com.fasterxml.jackson.databind.JsonNode;
import io.crmbridge.BridgeNames;
import io.crmbridge.Json;
import io.crmbridge.SystemSettings;
import io.crmbridge.auth.AuthStats;
import io.crmbridge.auth.Token;
import io.crmbridge.testsupport.BridgeRuntime;
import io.crmbridge.testsupport.BridgeTest;
import io.crmbridge.testsupport.Simulators;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.TabularData;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ObservabilityTest extends BridgeTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY)
            .connectTimeout(Duration.ofSeconds(5)).build();


    @Test
    void metrics_countLoginsHitsAndMisses_andTellSecondsLeft_perSystem() throws Exception {
        systems = Simulators.start(folder);
        startBridge(Map.of("bridge.billing.auth.kind", "oauth2-client-credentials"));
        bridge.runPass();
        systems.clock.advance(Duration.ofSeconds(10));

        String metrics = get("/observe/metrics").body();

        assertThat(metric(metrics, "bridge_logins_total", "crm")).as("CRM logins").isEqualTo(1.0);
        assertThat(metric(metrics, "bridge_logins_total", "erp")).as("ERP logins").isEqualTo(1.0);
        assertThat(metric(metrics, "bridge_login_failures_total", "crm")).as("CRM login failures").isZero();
        assertThat(metric(metrics, "bridge_token_cache_hits_total", "crm")).as("CRM cache hits").isPositive();
        assertThat(metric(metrics, "bridge_token_cache_hits_total", "erp")).as("ERP cache hits").isPositive();
        assertThat(metric(metrics, "bridge_token_cache_misses_total", "crm")).as("CRM cache misses")
                .isGreaterThanOrEqualTo(1.0);
        assertThat(metric(metrics, "bridge_token_expires_in_seconds", "crm")).as("CRM seconds left")
                .isEqualTo(20.0);
        assertThat(metric(metrics, "bridge_token_expires_in_seconds", "erp")).as("ERP seconds left")
                .isEqualTo(20.0);
        // A system named only by its auth.kind is listed before its first call, with no token.
        assertThat(metric(metrics, "bridge_logins_total", "billing")).as("billing logins").isZero();
        assertThat(metric(metrics, "bridge_token_expires_in_seconds", "billing")).as("billing seconds left")
                .isNaN();
        assertThat(metrics).as("metrics text").doesNotContain(systems.clientSecret, systems.erpPassword,
                cachedToken("crm").value(), cachedToken("erp").value());
    }

    @Test
    void routeMetrics_leaveOutTheTokenRoutes_butKeepTheCallRoute() throws Exception {
        systems = Simulators.start(folder);
        startBridge(Map.of());
        bridge.runPass();

        String metrics = get("/observe/metrics").body();

        // The token routes run before every call; the bridge_* metrics above count what they do.
        assertThat(metrics).as("route metrics").contains("routeId=\"authorized-call\"")
                .doesNotContain("routeId=\"auth\"", "routeId=\"auth-login\"");
        // Not even the policy camel-micrometer gives the routes it excludes, which still times every exchange.
        assertThat(bridge.context().getRoute("auth").getRoutePolicyList()).as("policies of auth").isEmpty();
        assertThat(bridge.context().getRoute("auth-login").getRoutePolicyList()).as("policies of auth-login")
                .isEmpty();
        assertThat(bridge.context().getRoute("authorized-call").getRoutePolicyList())
                .as("policies of authorized-call").isNotEmpty();
        // camel-micrometer's route notifier is told to skip the events of every send; it still counts routes.
        Matcher running = Pattern.compile("(?m)^camel_routes_running_routes\\{[^}]*} (\\S+)$").matcher(metrics);
        assertThat(running.find()).as("routes running in:\n" + metrics).isTrue();
        assertThat(Double.parseDouble(running.group(1))).as("routes running")
                .isEqualTo(bridge.context().getRoutes().stream()
                        .filter(route -> bridge.context().getRouteController().getRouteStatus(route.getRouteId())
                                .isStarted())
                        .count());
    }

    @Test
    void routesAddedToTheRunningBridge_neitherRepeatNorResetTheLoginMetrics() throws Exception {
        ListAppender<ILoggingEvent> warnings = new ListAppender<>();
        warnings.start();
        Logger micrometer = (Logger) LoggerFactory.getLogger("io.micrometer");
        micrometer.addAppender(warnings);
        try {
            systems = Simulators.start(folder);
            startBridge(Map.of());
            bridge.runPass();
            // Camel tells startup listeners again about routes added later, as a route reload does.
            bridge.context().addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:added-later").routeId("added-later").log("added");
                }
            });

            String metrics = get("/observe/metrics").body();

            assertThat(metric(metrics, "bridge_logins_total", "crm")).as("CRM logins").isEqualTo(1.0);
            assertThat(warnings.list).as("Micrometer warnings").extracting(ILoggingEvent::getFormattedMessage)
                    .noneMatch(message -> message.contains("already registered"));
        } finally {
            micrometer.detachAppender(warnings);
        }
    }

    @Test
    void health_isUpWithValidOrPendingToken_andDownWhenExpiredAndLoginRefused() throws Exception {
        systems = Simulators.start(folder);
        startBridge(Map.of());
        assertThat(get("/observe/health").statusCode()).as("health before any login").isEqualTo(200);

        bridge.runPass();
        systems.clock.advance(Duration.ofSeconds(31));
        HttpResponse<String> expired = get("/observe/health");
        assertThat(expired.statusCode()).as("health with expired tokens, no login failed yet").isEqualTo(200);

        systems.erp.failNextRequests(1, 401, "text/plain", "Unauthorized");
        assertThat(authorise("erp").getException()).as("refused ERP login").isNotNull();
        HttpResponse<String> down = get("/observe/health");
        JsonNode body = Json.MAPPER.readTree(down.body());

        assertThat(down.statusCode()).as("health status code after the refused login").isEqualTo(503);
        assertThat(body.path("status").asText()).as("overall health").isEqualTo("DOWN");
        assertThat(body.path("checks").findValuesAsText("name")).as("checks that are DOWN")
                .containsExactly("token-erp");
        assertThat(body.path("checks").get(0).path("message").asText()).as("message of token-erp")
                .startsWith("ERP has no valid token and its last login failed");
        assertThat(get("/observe/health/live").statusCode()).as("liveness after the refused login")
                .isEqualTo(200);

        // After the failed login the ERP waits its first backoff step (at most 1 s) before the next attempt.
        systems.clock.advance(Duration.ofSeconds(1));
        assertThat(authorise("erp").getException()).as("ERP login once the simulator answers again").isNull();
        assertThat(get("/observe/health").statusCode()).as("health after a good login").isEqualTo(200);
    }

    @Test
    void health_isDown_whenTheFirstLoginFailsWithAWrongPassword() throws Exception {
        systems = Simulators.start(folder);
        startBridge(Map.of("bridge.erp.auth.password", "not-the-password"));

        bridge.runPass();
        HttpResponse<String> down = get("/observe/health/ready");

        assertThat(down.statusCode()).as("readiness with a refused ERP password").isEqualTo(503);
        assertThat(down.body()).as("readiness body").contains("token-erp").doesNotContain("token-crm")
                .doesNotContain("not-the-password", systems.erpPassword);
    }

    @Test
    void dropToken_overJmx_causesExactlyOneNewLogin() throws Exception {
        systems = Simulators.start(folder);
        startBridge(Map.of());
        authorise("crm");
        authorise("erp");
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName tokens = new ObjectName("io.crmbridge:type=Tokens,context=crm-erp-bridge");

        Object dropped = server.invoke(tokens, "dropToken", new Object[] {"crm"},
                new String[] {String.class.getName()});
        TabularData expiry = (TabularData) server.getAttribute(tokens, "TokenExpiry");
        for (int call = 0; call < 3; call++) {
            assertThat(authorise("crm").getException()).as("CRM call " + call + " after the drop").isNull();
        }
        authorise("erp");

        assertThat(dropped).as("dropToken answer").isEqualTo(true);
        assertThat(expiry.get(new Object[] {"crm"}).get("value")).as("CRM expiry just after the drop")
                .isEqualTo("none");
        assertThat(expiry.get(new Object[] {"erp"}).get("value")).as("ERP expiry just after the drop")
                .isEqualTo(Simulators.START.plusSeconds(30).toString());
        assertThat(systems.crm.tokensIssued()).as("CRM logins").isEqualTo(2);
        assertThat(systems.erp.logins()).as("ERP logins").isEqualTo(1);
        assertThat(stats().logins("crm")).as("CRM logins counted").isEqualTo(2);
        assertThatThrownBy(() -> server.invoke(tokens, "dropToken", new Object[] {"nope"},
                new String[] {String.class.getName()}))
                .as("dropping the token of an unknown system")
                .hasRootCauseInstanceOf(IllegalArgumentException.class)
                .hasRootCauseMessage("No system 'nope': the configured systems are crm, erp");
    }

    @Test
    void systemNamedOnlyByASystemProperty_getsItsMetricsAndHealthCheck() {
        // Settings from -D or the environment are not in the properties files that Camel can list.
        System.setProperty("bridge.archive.auth.kind", "api-key");
        try {
            systems = Simulators.start(folder);
            startBridge(Map.of());

            assertThat(new SystemSettings(bridge.context()).systems()).contains("crm", "erp", "archive");
        } finally {
            System.clearProperty("bridge.archive.auth.kind");
        }
    }

    @Test
    void stoppedBridge_leavesNoMBeanBehind() throws Exception {
        // Tests, and a runtime that restarts the bridge, start it again in the same JVM under the same name.
        systems = Simulators.start(folder);
        startBridge(Map.of());
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName tokens = new ObjectName("io.crmbridge:type=Tokens,context=crm-erp-bridge");
        assertThat(server.isRegistered(tokens)).as("registered while running").isTrue();

        bridge.close();
        bridge = null;

        assertThat(server.isRegistered(tokens)).as("registered after stop").isFalse();
    }

    private void startBridge(Map<String, String> extra) {
        Map<String, String> properties = new LinkedHashMap<>(systems.properties());
        properties.put("bridge.observe.enabled", "true");
        properties.put("bridge.observe.port", "0");
        properties.putAll(extra);
        bridge = BridgeRuntime.start(properties, systems.beans());
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        int port = bridge.context().hasService(VertxPlatformHttpServer.class).getPort();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).GET().build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private Exchange authorise(String system) {
        return bridge.template().request(BridgeNames.AUTH_ENDPOINT,
                exchange -> exchange.setVariable(BridgeNames.SYSTEM, system));
    }

    private Token cachedToken(String system) {
        return Token.fromJson(bridge.cachedToken(system));
    }

    private AuthStats stats() {
        return bridge.context().getRegistry().lookupByNameAndType("authStats", AuthStats.class);
    }

    private static double metric(String metrics, String name, String system) {
        Matcher line = Pattern.compile("(?m)^" + name + "\\{[^}]*system=\"" + system + "\"[^}]*} (\\S+)$")
                .matcher(metrics);
        assertThat(line.find()).as(name + " of " + system + " in:\n" + metrics).isTrue();
        return Double.parseDouble(line.group(1));
    }
}
