package io.crmbridge.auth;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.crmbridge.BridgeNames;
import io.crmbridge.remote.RemoteCalls;
import io.crmbridge.testsupport.BridgeRuntime;
import io.crmbridge.testsupport.BridgeSettings;
import io.crmbridge.testsupport.MutableClock;
import org.apache.camel.Exchange;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

/**
 * One WireMock server on loopback standing in for an external system (its login and its API), and the bridge
 * pointed at it through settings alone, with time moved by a {@link MutableClock}.
 */
final class LoginBench implements AutoCloseable {

    static final Instant START = Instant.parse("2026-12-04T08:00:00Z");

    final MutableClock clock = new MutableClock(START);
    final WireMockServer server = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
    private BridgeRuntime bridge;

    LoginBench() {
        server.start();
    }

    /** The server's root URL, without a trailing slash. */
    String baseUrl() {
        return "http://127.0.0.1:" + server.port();
    }

    /** Starts the bridge with the given settings; the orders watermark goes to {@code folder}. */
    void startBridge(Path folder, Map<String, String> settings) {
        BridgeSettings all = BridgeSettings.withWatermark(folder.resolve("w.json"));
        settings.forEach(all::with);
        bridge = BridgeRuntime.start(all.toMap(), Map.of(BridgeNames.CLOCK, clock));
    }

    /** Sends an empty exchange through {@code direct:auth} for the system and returns it. */
    Exchange authorise(String system) {
        return bridge.template().request(BridgeNames.AUTH_ENDPOINT,
                exchange -> exchange.setVariable(BridgeNames.SYSTEM, system));
    }

    /** Makes one authorised GET through {@code direct:authorized-call} and returns the body. */
    String get(String system, String path) {
        return new RemoteCalls(bridge.context()).call(system, "GET", baseUrl() + path, null, null).body();
    }

    /** The token JSON cached for the system, or null. */
    String cachedJson(String system) {
        return bridge.cachedToken(system);
    }

    /** The token cached for the system; fails when there is none. */
    Token cached(String system) {
        String json = cachedJson(system);
        if (json == null) {
            throw new AssertionError("no token cached for " + system);
        }
        return Token.fromJson(json);
    }

    /** Every request the server received at a path, oldest first. */
    List<LoggedRequest> requestsTo(String path) {
        return server.findAll(anyRequestedFor(urlEqualTo(path)));
    }

    @Override
    public void close() {
        if (bridge != null) {
            bridge.close();
        }
        server.stop();
    }
}
