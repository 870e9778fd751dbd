package io.crmbridge.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.crmbridge.BridgeNames;
import io.crmbridge.simulator.SimulatorData;
import io.crmbridge.testsupport.BridgeRuntime;
import io.crmbridge.testsupport.BridgeSettings;
import io.crmbridge.testsupport.BridgeTest;
import io.crmbridge.testsupport.MutableClock;
import io.crmbridge.testsupport.Simulators;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/** Renewal before anyone waits, backoff while a login endpoint is down, and tokens kept apart by credential. */
class TokenRenewalTest extends BridgeTest {

    private WireMockServer tokenServer;

    @AfterEach
    void stop() {
        if (tokenServer != null) {
            tokenServer.stop();
        }
    }

    @Test
    void tokenInItsLastFifth_isRenewedInTheBackground_whileTheCallerUsesTheValidOne() {
        startSimulators(Map.of());
        String first = credential("crm");

        // 30 s tokens, 5 s margin, renewal window 20 % = the last 6 s: at 24.5 s the token is still usable and
        // in its renewal window.
        systems.clock.advance(Duration.ofMillis(24_500));
        String during = credential("crm");
        String after = credential("crm");

        assertThat(during).as("credential of the call that started the renewal").isEqualTo(first);
        assertThat(after).as("credential after the renewal").isNotEqualTo(first);
        assertThat(systems.crm.tokensIssued()).as("CRM logins").isEqualTo(2);
        assertThat(systems.crm.expiredTokenRejections()).isZero();
    }

    @Test
    void failedRenewal_keepsTheValidToken_andRetriesOnlyAfterTheBackoff() {
        startSimulators(Map.of());
        String first = credential("erp");
        systems.clock.advance(Duration.ofMillis(24_500));
        systems.erp.failNextRequests(1, 503, "text/html", "<html>maintenance</html>");

        assertThat(credential("erp")).as("credential while the renewal fails").isEqualTo(first);
        assertThat(credential("erp")).as("credential during the backoff").isEqualTo(first);
        assertThat(stats().loginFailures("erp")).as("failed renewals").isEqualTo(1);

        systems.clock.advance(Duration.ofSeconds(1));
        credential("erp");
        assertThat(credential("erp")).as("credential after a successful retry").isNotEqualTo(first);
        assertThat(systems.erp.logins()).as("ERP logins").isEqualTo(2);
    }

    @Test
    void expiredTokenWithLoginDown_failsCallersFast_withOneAttemptPerBackoffStep() throws Exception {
        startSimulators(Map.of("bridge.auth.retry-initial-delay", "10s"));
        credential("erp");
        systems.clock.advance(Duration.ofSeconds(31));
        systems.erp.failNextRequests(100, 503, "text/html", "<html>down</html>");

        List<Exchange> results = authoriseInParallel("erp", 20);

        assertThat(results).allSatisfy(result -> assertThat(result.getException()).isInstanceOf(LoginException.class));
        assertThat(stats().loginFailures("erp")).as("login attempts while down").isEqualTo(1);
        assertThat(results.stream().map(r -> r.getException().getMessage()))
                .anySatisfy(message -> assertThat(message).contains("ERP has no valid token and its last login "
                        + "failed; next attempt after").contains("answered HTTP 503"));

        systems.clock.advance(Duration.ofSeconds(10));
        authoriseInParallel("erp", 20);
        assertThat(stats().loginFailures("erp")).as("login attempts after one backoff step").isEqualTo(2);
    }

    @Test
    void marginLongerThanTheTokenLifetime_stillReusesTheToken() {
        // 30 s tokens with a 60 s margin would otherwise be expired on arrival and cost a login per call.
        startSimulators(Map.of("bridge.auth.expiry-margin", "60s"));
        String first = credential("crm");
        systems.clock.advance(Duration.ofSeconds(15));

        assertThat(credential("crm")).as("credential 15 s later").isEqualTo(first);
        assertThat(systems.crm.tokensIssued()).as("CRM logins").isEqualTo(1);
    }

    @Test
    void absurdRetryAfter_isCappedAtADay_andTheEndpointIsNotCalledAgain() {
        MutableClock clock = new MutableClock(Simulators.START);
        tokenServer = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        tokenServer.start();
        tokenServer.stubFor(post(urlEqualTo("/connect/token")).willReturn(aResponse().withStatus(503)
                .withHeader("Retry-After", "99999999999999999")));
        String tokenUrl = "http://127.0.0.1:" + tokenServer.port() + "/connect/token";
        bridge = BridgeRuntime.start(BridgeSettings.withWatermark(folder.resolve("w.json"))
                .crm("http://127.0.0.1:9", tokenUrl, "c", "s").toMap(), Map.of(BridgeNames.CLOCK, clock));

        assertThat(authorise("crm").getException()).hasMessageEndingWith("asked not to be called again for 86400 s");
        assertThat(authorise("crm").getException()).hasMessageContaining("next attempt after "
                + Simulators.START.plus(Duration.ofDays(1)));
        tokenServer.verify(1, postRequestedFor(urlEqualTo("/connect/token")));
    }

    @Test
    void unreachableLoginEndpoint_isReportedAsConnectionRefused_notAsExpiry() {
        bridge = BridgeRuntime.start(BridgeSettings.withWatermark(folder.resolve("w.json"))
                .crm("http://127.0.0.1:9", "http://127.0.0.1:9/connect/token", "c", "s").toMap(), Map.of());

        String first = authorise("crm").getException().getMessage();
        String second = authorise("crm").getException().getMessage();

        assertThat(first).contains("connection refused").doesNotContainIgnoringCase("expired");
        assertThat(second).contains("connection refused").doesNotContainIgnoringCase("expired");
    }

    @Test
    void retryAfterFromTheLoginEndpoint_isHonoured() {
        MutableClock clock = new MutableClock(Simulators.START);
        tokenServer = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        tokenServer.start();
        tokenServer.stubFor(post(urlEqualTo("/connect/token")).willReturn(aResponse().withStatus(429)
                .withHeader("Retry-After", "120")));
        String tokenUrl = "http://127.0.0.1:" + tokenServer.port() + "/connect/token";
        bridge = BridgeRuntime.start(BridgeSettings.withWatermark(folder.resolve("w.json"))
                .crm("http://127.0.0.1:9", tokenUrl, "c", "s").toMap(), Map.of(BridgeNames.CLOCK, clock));

        assertThat(authorise("crm").getException()).hasMessage("CRM login endpoint at " + tokenUrl
                + " answered HTTP 429 and asked not to be called again for 120 s");
        clock.advance(Duration.ofSeconds(119));
        assertThat(authorise("crm").getException()).hasMessageContaining("next attempt after "
                + Simulators.START.plusSeconds(120));
        tokenServer.verify(1, postRequestedFor(urlEqualTo("/connect/token")));

        tokenServer.stubFor(post(urlEqualTo("/connect/token")).willReturn(okJson(
                "{\"access_token\":\"after-the-wait\",\"expires_in\":300}")));
        clock.advance(Duration.ofSeconds(1));
        assertThat(authorise("crm").getMessage().getHeader("Authorization")).isEqualTo("Bearer after-the-wait");
        tokenServer.verify(2, postRequestedFor(urlEqualTo("/connect/token")));
    }

    @Test
    void tokenObtainedWithOtherCredentials_isNeverHandedOut() {
        // Two bridges share one cache: the second has another client secret and must not use the first's token.
        Cache<String, String> shared = Caffeine.newBuilder().build();
        systems = Simulators.start(SimulatorData.generate(7L, 2, 3, 2, Simulators.START), Duration.ofSeconds(30),
                Duration.ofSeconds(30), folder);
        Map<String, Object> beans = new HashMap<>(systems.beans());
        beans.put(BridgeNames.TOKEN_CACHE, shared);
        bridge = BridgeRuntime.start(systems.properties(), beans);
        assertThat(authorise("crm").getException()).isNull();

        Map<String, String> other = new HashMap<>(systems.properties());
        other.put("bridge.crm.auth.client-secret", "another-secret");
        try (BridgeRuntime second = BridgeRuntime.start(other, beans)) {
            Exchange result = second.template().request(BridgeNames.AUTH_ENDPOINT,
                    exchange -> exchange.setVariable(BridgeNames.SYSTEM, "crm"));

            assertThat(result.getException()).as("login with the other secret").isInstanceOf(LoginException.class);
            assertThat(shared.asMap()).as("cached tokens").hasSize(1);
        }
    }

    private void startSimulators(Map<String, String> extra) {
        systems = Simulators.start(SimulatorData.generate(7L, 2, 3, 2, Simulators.START), Duration.ofSeconds(30),
                Duration.ofSeconds(30), folder);
        startBridgeWith(extra);
    }

    private AuthStats stats() {
        return bridge.context().getRegistry().lookupByNameAndType("authStats", AuthStats.class);
    }

    /** Returns the fingerprint of the credential a call received: failure messages must not show tokens. */
    private String credential(String system) {
        Exchange result = authorise(system);
        assertThat(result.getException()).as("auth error").isNull();
        return Token.fingerprintOf(result.getMessage().getHeader("Authorization", String.class));
    }

    private Exchange authorise(String system) {
        return bridge.template().request(BridgeNames.AUTH_ENDPOINT,
                exchange -> exchange.setVariable(BridgeNames.SYSTEM, system));
    }

    private List<Exchange> authoriseInParallel(String system, int callers) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Exchange>> futures = new ArrayList<>();
        try {
            for (int i = 0; i < callers; i++) {
                futures.add(pool.submit(() -> {
                    go.await();
                    return authorise(system);
                }));
            }
            go.countDown();
            List<Exchange> results = new ArrayList<>();
            for (Future<Exchange> future : futures) {
                results.add(future.get(30, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
