package io.crmbridge.auth;

import io.crmbridge.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** A static API key in a header: no login request, no expiry, and a new system added by settings alone. */
class ApiKeyLoginTest {

    @TempDir
    Path folder;

    private final LoginBench bench = new LoginBench();
    private final String apiKey = "dms-key-" + UUID.randomUUID();

    @AfterEach
    void stop() {
        bench.close();
    }

    @Test
    void newDocumentStore_configuredOnlyBySettings_getsTheKeyOnEveryCall() {
        bench.server.stubFor(get(urlPathEqualTo("/api/documents")).willReturn(okJson("[]")));
        bench.startBridge(folder, Map.of("bridge.dms.base-url", bench.baseUrl(), "bridge.dms.auth.kind", "api-key",
                "bridge.dms.auth.api-key", apiKey));

        bench.get("dms", "/api/documents");

        var call = bench.requestsTo("/api/documents").get(0);
        assertThat(call.getHeader("X-API-Key")).as("key header").isEqualTo(apiKey);
        assertThat(call.containsHeader("Authorization")).as("Authorization header sent").isFalse();
    }

    @Test
    void apiKey_neverExpires_andSaysSoInTheTokenJson() throws Exception {
        bench.server.stubFor(get(urlPathEqualTo("/api/documents")).willReturn(okJson("[]")));
        bench.startBridge(folder, Map.of("bridge.dms.base-url", bench.baseUrl(), "bridge.dms.auth.kind", "api-key",
                "bridge.dms.auth.api-key", apiKey, "bridge.dms.auth.header", "X-Auth-Token"));
        bench.get("dms", "/api/documents");
        String first = bench.cachedJson("dms");

        bench.clock.advance(Duration.ofDays(3650));
        bench.get("dms", "/api/documents");

        var json = Json.MAPPER.readTree(bench.cachedJson("dms"));
        assertThat(json.path("expiresAt").asText()).isEqualTo("9999-12-31T23:59:59Z");
        assertThat(json.path("neverExpires").asBoolean()).as("neverExpires").isTrue();
        assertThat(bench.cachedJson("dms")).as("token ten years later").isEqualTo(first);
        assertThat(bench.requestsTo("/api/documents")).allSatisfy(call ->
                assertThat(call.getHeader("X-Auth-Token")).as("configured key header").isEqualTo(apiKey));
    }

    @Test
    void cookiesSetByAnApiAnswer_areNotReplayed_onLaterCalls() {
        // Only the cached token says what is sent: a cookie jar in the HTTP client would outlive a dropped token.
        bench.server.stubFor(get(urlPathEqualTo("/api/documents")).willReturn(okJson("[]")
                .withHeader("Set-Cookie", "SESSION=from-the-api; path=/")));
        bench.startBridge(folder, Map.of("bridge.dms.base-url", bench.baseUrl(), "bridge.dms.auth.kind", "api-key",
                "bridge.dms.auth.api-key", apiKey));

        bench.get("dms", "/api/documents");
        bench.get("dms", "/api/documents");

        assertThat(bench.requestsTo("/api/documents")).hasSize(2).allSatisfy(call ->
                assertThat(call.containsHeader("Cookie")).as("Cookie header sent").isFalse());
    }

    @Test
    void missingKey_stopsTheStart_namingTheSetting() {
        Throwable error = catchThrowable(() -> bench.startBridge(folder,
                Map.of("bridge.dms.base-url", bench.baseUrl(), "bridge.dms.auth.kind", "api-key")));

        assertThat(error).as("start-up error").isNotNull().rootCause()
                .hasMessage("Missing setting bridge.dms.auth.api-key for system 'dms'");
    }
}
