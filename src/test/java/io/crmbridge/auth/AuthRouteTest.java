package io.crmbridge.auth;

import com.fasterxml.jackson.databind.JsonNode;
import io.crmbridge.BridgeNames;
import io.crmbridge.Json;
import io.crmbridge.testsupport.BridgeRuntime;
import io.crmbridge.testsupport.BridgeTest;
import io.crmbridge.testsupport.Simulators;
import org.apache.camel.Exchange;
import org.apache.camel.builder.AggregationStrategies;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AuthRouteTest extends BridgeTest {

    @BeforeEach
    void start() {
        systems = Simulators.start(folder);
        bridge = BridgeRuntime.start(systems.properties(), systems.beans());
    }

    @Test
    void auth_setsCredential_andLeavesBodyAndOtherHeadersUntouched() {
        // The first call logs in, the second finds the token in the cache, whose read answers in the body.
        for (int call = 1; call <= 2; call++) {
            Exchange result = authorise("crm", "caller body", "X-Order", "ORD-1");

            assertThat(result.getException()).as("auth error, call " + call).isNull();
            assertThat(result.getMessage().getBody(String.class)).as("body, call " + call).isEqualTo("caller body");
            assertThat(result.getMessage().getHeader("X-Order")).as("caller header, call " + call)
                    .isEqualTo("ORD-1");
            assertThat(result.getMessage().getHeader("Authorization", String.class).startsWith("Bearer "))
                    .as("credential is a bearer token, call " + call).isTrue();
            assertThat(result.getMessage().getHeaders().keySet()).as("headers after auth, call " + call)
                    .containsExactlyInAnyOrder("X-Order", "Authorization");
            assertThat(result.getVariables().keySet()).as("variables after auth, call " + call)
                    .containsExactlyInAnyOrder(BridgeNames.SYSTEM, BridgeNames.TOKEN_KEY, BridgeNames.TOKEN);
        }
        assertThat(systems.crm.tokensIssued()).as("CRM logins").isEqualTo(1);
    }

    @Test
    void callersOwnCaffeineKeyHeader_isKeptThroughTheCacheLookUp() {
        // direct:auth names its cache key in the header camel-caffeine reads; a caller using the header itself
        // must find its own value again, on a cache hit and on the login path alike.
        for (int call = 1; call <= 2; call++) {
            Exchange result = authorise("crm", "caller body", "CamelCaffeineKey", "callers-own-key");

            assertThat(result.getException()).as("auth error, call " + call).isNull();
            assertThat(result.getMessage().getHeader("CamelCaffeineKey")).as("caller's key, call " + call)
                    .isEqualTo("callers-own-key");
            assertThat(result.getMessage().getHeaders().keySet()).as("headers after auth, call " + call)
                    .containsExactlyInAnyOrder("CamelCaffeineKey", "Authorization");
        }
        assertThat(systems.crm.tokensIssued()).as("CRM logins").isEqualTo(1);
    }

    @Test
    void erpCredential_isTrytonSessionHeader() {
        Exchange result = authorise("erp", "{}", "X-Any", "1");

        String header = result.getMessage().getHeader("Authorization", String.class);
        assertThat(header.startsWith("Session ")).as("ERP credential is a Tryton session").isTrue();
        String decoded = new String(java.util.Base64.getDecoder().decode(header.substring("Session ".length())));
        assertThat(decoded.startsWith("sync:")).as("session of user sync").isTrue();
    }

    @Test
    void tokenJson_inCache_namesSystemSchemeAndIsoUtcTimes() throws Exception {
        authorise("crm", "", "X-Any", "1");

        String cached = bridge.cachedToken("crm");
        JsonNode token = Json.MAPPER.readTree(cached);
        assertThat(token.path("system").asText()).isEqualTo("crm");
        assertThat(token.path("scheme").asText()).isEqualTo("Bearer");
        assertThat(token.path("token").asText()).as("token value").isNotBlank();
        assertThat(token.path("obtainedAt").asText()).isEqualTo(Simulators.START.toString());
        assertThat(Instant.parse(token.path("expiresAt").asText()))
                .as("expiresAt from expires_in").isEqualTo(Simulators.START.plusSeconds(30));
        assertThat(token.path("expiresAt").asText()).endsWith("Z");
    }

    @Test
    void fiftyParallelCallers_onColdCache_causeOneLoginPerSystem() throws Exception {
        authoriseInParallel(50);

        assertThat(systems.crm.tokensIssued()).as("CRM logins").isEqualTo(1);
        assertThat(systems.erp.logins()).as("ERP logins").isEqualTo(1);
    }

    @Test
    void fiftyParallelCallers_onExpiredTokens_causeOneRenewalPerSystem() throws Exception {
        authoriseInParallel(1);
        systems.clock.advance(Duration.ofSeconds(30));

        authoriseInParallel(50);

        assertThat(systems.crm.tokensIssued()).as("CRM logins").isEqualTo(2);
        assertThat(systems.erp.logins()).as("ERP logins").isEqualTo(2);
    }

    private void authoriseInParallel(int callers) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2 * callers);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Exchange>> results = new ArrayList<>();
        try {
            for (int i = 0; i < callers; i++) {
                for (String system : List.of("crm", "erp")) {
                    results.add(pool.submit(() -> {
                        go.await();
                        return authorise(system, "body", "X-Any", "1");
                    }));
                }
            }
            go.countDown();
            for (Future<Exchange> result : results) {
                assertThat(result.get(30, TimeUnit.SECONDS).getException()).as("caller error").isNull();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void cachedToken_isReusedUntilTheMargin_thenRenewedOnce() {
        // Without a renewal window the margin alone decides when a token stops being sent.
        restartWith("bridge.auth.renewal-window", "0%");
        String first = credential("crm");
        systems.clock.advance(Duration.ofSeconds(24));
        assertThat(credential("crm")).as("token 6 s before expiry, margin 5 s").isEqualTo(first);
        assertThat(systems.crm.tokensIssued()).isEqualTo(1);

        // One second later the token is inside the 5 s margin: it must not be sent any more.
        systems.clock.advance(Duration.ofSeconds(1));
        String second = credential("crm");
        assertThat(second).as("token inside the margin").isNotEqualTo(first);
        assertThat(credential("crm")).isEqualTo(second);
        assertThat(systems.crm.tokensIssued()).as("CRM logins").isEqualTo(2);
    }

    @Test
    void unreadableCachedToken_isReplacedByALogin() {
        bridge.cacheToken("crm", "<not a token>");

        assertThat(credential("crm")).isNotBlank();
        assertThat(systems.crm.tokensIssued()).isEqualTo(1);
    }

    @Test
    void refusedLogin_failsWithErrorNamingSystem_withoutTheSecret() {
        restartWith("bridge.crm.auth.client-secret", "wrong-secret-value");

        Exchange result = authorise("crm", "", "X-Any", "1");

        assertThat(result.getException()).isInstanceOf(LoginException.class)
                .hasMessageContaining("CRM login refused for client 'bridge-test'")
                .hasMessageContaining("HTTP 401")
                .hasMessageNotContaining("wrong-secret-value");
        assertThat(result.getMessage().getHeader("Authorization")).as("no credential").isNull();
    }

    @Test
    void callFailingAtTheLogin_leavesNoCredential_andGivesBackTheCallersCaffeineKey() {
        restartWith("bridge.crm.auth.client-secret", "wrong-secret-value");

        Exchange result = bridge.template().request(BridgeNames.CALL_ENDPOINT, exchange -> {
            exchange.setVariable(BridgeNames.SYSTEM, "crm");
            exchange.setVariable(BridgeNames.HTTP_METHOD, "GET");
            exchange.setVariable(BridgeNames.URL, systems.crm.odataUrl() + "Product");
            exchange.getMessage().setHeader("CamelCaffeineKey", "callers-own-key");
        });

        assertThat(result.getException()).isInstanceOf(LoginException.class);
        assertThat(result.getMessage().getHeader("CamelCaffeineKey")).as("caller's key")
                .isEqualTo("callers-own-key");
        assertThat(result.getMessage().getHeader("Authorization")).as("no credential").isNull();
    }

    @Test
    void callersCaffeineHeaders_neitherChangeTheTokenCache_norCostLogins() {
        // A caller using a cache of its own may carry the headers camel-caffeine reads before its endpoint settings.
        for (int call = 1; call <= 3; call++) {
            Exchange result = bridge.template().request(BridgeNames.AUTH_ENDPOINT, exchange -> {
                exchange.setVariable(BridgeNames.SYSTEM, "crm");
                exchange.getMessage().setHeader("CamelCaffeineAction", "INVALIDATE_ALL");
                exchange.getMessage().setHeader("CamelCaffeineKey", "callers-own-key");
                exchange.getMessage().setHeader("CamelCaffeineValue", "callers-value");
                // and the two camel-caffeine answers in, with the answer itself in the body
                exchange.getMessage().setHeader("CamelCaffeineActionHasResult", Boolean.TRUE);
                exchange.getMessage().setHeader("CamelCaffeineActionSucceeded", Boolean.FALSE);
                exchange.getMessage().setBody("callers-cached-value");
            });

            assertThat(result.getException()).as("auth error, call " + call).isNull();
            assertThat(result.getMessage().getHeaders()).as("caller's headers, call " + call)
                    .containsEntry("CamelCaffeineAction", "INVALIDATE_ALL")
                    .containsEntry("CamelCaffeineKey", "callers-own-key")
                    .containsEntry("CamelCaffeineValue", "callers-value")
                    .containsEntry("CamelCaffeineActionHasResult", Boolean.TRUE)
                    .containsEntry("CamelCaffeineActionSucceeded", Boolean.FALSE);
            assertThat(result.getMessage().getBody()).as("caller's body, call " + call)
                    .isEqualTo("callers-cached-value");
        }
        assertThat(systems.crm.tokensIssued()).as("CRM logins").isEqualTo(1);
        assertThat(Token.fromJson(bridge.cachedToken("crm")).system()).as("cached token").isEqualTo("crm");
    }

    @Test
    void failedAuth_givesBackTheCallersCaffeineHeaders_andLeavesNoCacheReplies() {
        restartWith("bridge.crm.auth.client-secret", "wrong-secret-value");

        Exchange result = authorise("crm", "caller body", "CamelCaffeineKey", "callers-own-key");

        assertThat(result.getException()).isInstanceOf(LoginException.class);
        assertThat(result.getMessage().getHeaders()).as("headers after the failure")
                .containsOnlyKeys("CamelCaffeineKey").containsEntry("CamelCaffeineKey", "callers-own-key");
        assertThat(result.getMessage().getBody()).as("body after the failure").isEqualTo("caller body");
        assertThat(result.getVariables().keySet()).as("variables after the failure")
                .noneMatch(name -> name.startsWith("header:") || name.startsWith("bridgeCallers"));
    }

    @Test
    void rejectedTokenThenRefusedLogin_leavesNoCredentialOnTheExchange() {
        String tokenJson = issueCrmToken();
        String value = Token.fromJson(tokenJson).value();
        String forged = tokenJson.replace(value, "never-issued-" + value.hashCode());
        restartWith("bridge.crm.auth.client-secret", "wrong-secret-value");
        bridge.cacheToken("crm", forged);

        Exchange result = bridge.template().request(BridgeNames.CALL_ENDPOINT, exchange -> {
            exchange.setVariable(BridgeNames.SYSTEM, "crm");
            exchange.setVariable(BridgeNames.HTTP_METHOD, "GET");
            exchange.setVariable(BridgeNames.URL, systems.crm.odataUrl() + "Product");
        });

        assertThat(result.getException()).as("the login after the 401").isInstanceOf(LoginException.class);
        assertThat(result.getMessage().getHeader("Authorization")).as("credential header").isNull();
        assertThat(result.getVariables().keySet()).as("variables after the failure")
                .noneMatch(name -> name.startsWith("header:"));
        assertThat(result.getVariables().values()).as("variable values")
                .noneMatch(variable -> String.valueOf(variable).contains("never-issued-"));
    }

    @Test
    void authorizedCall_givesBackTheCallersBodyAndCaffeineAnswerHeaders_whateverTheOutcome() {
        // A caller that has just read the token cache itself carries its key, the headers camel-caffeine answers
        // in, and its own body.
        Exchange success = callWithCallersCacheAnswer(systems.crm.odataUrl() + "Product", null);
        Exchange notFound = callWithCallersCacheAnswer(systems.crm.odataUrl() + "NoSuchEntitySet", null);
        // Camel leaves the property EXCEPTION_CAUGHT behind after an error that was handled earlier.
        Exchange afterHandledError = callWithCallersCacheAnswer(systems.crm.odataUrl() + "Product",
                new IllegalStateException("handled earlier"));
        restartWith("bridge.crm.auth.client-secret", "wrong-secret-value");
        Exchange refusedLogin = callWithCallersCacheAnswer(systems.crm.odataUrl() + "Product", null);

        assertThat(success.getException()).as("success").isNull();
        assertThat(notFound.getException()).as("404").hasMessageStartingWith("CRM answered HTTP 404");
        assertThat(afterHandledError.getException()).as("success after a handled error").isNull();
        assertThat(refusedLogin.getException()).as("refused login").isInstanceOf(LoginException.class);
        for (Exchange result : List.of(success, notFound, afterHandledError, refusedLogin)) {
            assertThat(result.getMessage().getBody()).as("caller's body").isEqualTo("caller body");
            assertThat(result.getMessage().getHeaders()).as("caller's headers")
                    .containsEntry("CamelCaffeineKey", result.getVariable("callersKey"))
                    .containsEntry("CamelCaffeineActionHasResult", Boolean.FALSE)
                    .containsEntry("CamelCaffeineActionSucceeded", Boolean.TRUE)
                    .doesNotContainKey("Authorization");
            assertThat(result.getVariables().keySet()).as("variables left")
                    .noneMatch(name -> name.startsWith("header:") || name.startsWith("bridgeCallers")
                            || name.equals(BridgeNames.TOKEN) || name.equals("bridgeCachedToken")
                            || name.equals(BridgeNames.NEEDS_LOGIN));
        }
    }

    @Test
    void authorizedCall_isNotRedirectedByTheCallersHttpHeaders_andGivesThemBack() {
        // A caller that arrived over HTTP carries camel-http address headers of its own.
        Map<String, Object> callers = Map.of("CamelHttpUri", "http://127.0.0.1:1/callers-own",
                "CamelHttpMethod", "PUT", "CamelHttpPath", "/NoSuchEntitySet", "CamelHttpQuery", "x=1",
                "CamelRestHttpUri", "http://127.0.0.1:1/rest-own", "CamelRestHttpQuery", "y=2", "X-Order", "ORD-1");
        for (String url : List.of(systems.crm.odataUrl() + "Product", systems.crm.odataUrl() + "NoSuchEntitySet")) {
            Exchange result = crmGet(url, exchange -> callers.forEach(exchange.getMessage()::setHeader));

            if (url.endsWith("Product")) {
                assertThat(result.getException()).as("call to " + url).isNull();
                assertThat(result.getVariable(BridgeNames.RESPONSE, io.crmbridge.remote.HttpReply.class).body())
                        .as("answer").contains("\"value\"");
            } else {
                assertThat(result.getException()).as("call to " + url).hasMessageStartingWith("CRM answered HTTP 404");
            }
            assertThat(result.getMessage().getHeaders()).as("headers after a call to " + url)
                    .containsExactlyInAnyOrderEntriesOf(callers);
        }
        assertThat(systems.crm.tokensIssued()).as("CRM logins").isEqualTo(1);
    }

    @Test
    void auth_leavesACallersStreamBodyUnread_andTheSameObject() throws Exception {
        // A stream cannot be read twice: direct:auth must neither read nor convert it (no stream caching).
        for (int call = 1; call <= 2; call++) {
            InputStream body = new ByteArrayInputStream("caller's stream".getBytes(StandardCharsets.UTF_8));

            Exchange result = bridge.template().request(BridgeNames.AUTH_ENDPOINT, exchange -> {
                exchange.setVariable(BridgeNames.SYSTEM, "crm");
                exchange.getMessage().setBody(body);
            });

            assertThat(result.getException()).as("auth error, call " + call).isNull();
            assertThat(result.getMessage().getBody()).as("body, call " + call).isSameAs(body);
            assertThat(body.available()).as("bytes left unread, call " + call).isEqualTo(15);
        }
    }

    @Test
    void callFailingToConnect_leavesNoCredential_andGivesBackTheCallersAddress() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        String unreachable = "http://127.0.0.1:" + closedPort + "/0/odata/Product";

        Exchange result = crmGet(unreachable, exchange -> exchange.getMessage().setHeader("CamelHttpPath", "/own"));

        assertThat(result.getException()).as("call to a closed port").isNotNull();
        assertThat(bridge.cachedToken("crm")).as("token obtained before the call").isNotBlank();
        assertThat(result.getMessage().getHeaders()).as("headers after the failed call")
                .containsExactlyInAnyOrderEntriesOf(Map.of("CamelHttpPath", "/own"));
        assertThat(result.getVariables().keySet()).as("variables after the failed call")
                .doesNotContain(BridgeNames.TOKEN);
    }

    @Test
    void callersRoute_carriesNoCredentialOnAfterTheCall_whetherItSucceededOrFailed() throws Exception {
        // The clean-up happens as the exchange leaves authorized-call, not when the caller's exchange completes.
        bridge.context().addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:callers-route").routeId("callers-route")
                        .doTry()
                            .to(BridgeNames.CALL_ENDPOINT)
                        .doCatch(Exception.class)
                            .setVariable("failed", constant(true))
                        .end()
                        .process(exchange -> {
                            String variables = String.join(",", new TreeSet<>(exchange.getVariables().keySet()));
                            exchange.setVariable("seenHeaders",
                                    String.join(",", new TreeSet<>(exchange.getMessage().getHeaders().keySet())));
                            exchange.setVariable("seenVariables", variables);
                        });
            }
        });
        for (String entitySet : List.of("Product", "NoSuchEntitySet")) {
            Exchange result = bridge.template().request("direct:callers-route", exchange -> {
                exchange.setVariable(BridgeNames.SYSTEM, "crm");
                exchange.setVariable(BridgeNames.HTTP_METHOD, "GET");
                exchange.setVariable(BridgeNames.URL, systems.crm.odataUrl() + entitySet);
                exchange.getMessage().setHeader("X-Order", "ORD-1");
            });

            assertThat(result.getVariable("failed")).as("call to " + entitySet + " failed")
                    .isEqualTo(entitySet.equals("NoSuchEntitySet") ? true : null);
            assertThat(result.getVariable("seenHeaders")).as("headers the caller's next step sees, " + entitySet)
                    .isEqualTo("X-Order");
            assertThat(result.getVariable("seenVariables", String.class).split(","))
                    .as("variables the caller's next step sees, " + entitySet)
                    .doesNotContain(BridgeNames.TOKEN);
        }
    }

    @Test
    void callersParallelSplitSharingItsUnitOfWork_leavesNoCredentialOnAnyPart() throws Exception {
        // The parts run at once on one unit of work: each part's clean-up must be its own.
        bridge.context().addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:callers-split").routeId("callers-split")
                        .split(body(), AggregationStrategies.flexible().accumulateInCollection(ArrayList.class))
                            .parallelProcessing().shareUnitOfWork()
                            .setVariable(BridgeNames.URL, simple(systems.crm.odataUrl() + "${body}"))
                            .to(BridgeNames.CALL_ENDPOINT)
                            .process(exchange -> {
                                Object credential = exchange.getMessage().getHeader("Authorization");
                                exchange.getMessage().setBody(credential != null
                                        || exchange.getVariable(BridgeNames.TOKEN) != null ? "left" : "clean");
                            })
                        .end();
            }
        });
        List<String> parts = new ArrayList<>();
        for (int part = 0; part < 40; part++) {
            parts.add("Product");
        }

        Exchange result = bridge.template().request("direct:callers-split", exchange -> {
            exchange.setVariable(BridgeNames.SYSTEM, "crm");
            exchange.setVariable(BridgeNames.HTTP_METHOD, "GET");
            exchange.getMessage().setBody(parts);
        });

        assertThat(result.getException()).as("split error").isNull();
        assertThat(result.getMessage().getBody(List.class)).as("each part after its call").hasSize(40)
                .containsOnly("clean");
    }

    @Test
    void failedAuth_leavesNoTokenInAVariable() {
        String expired = issueCrmToken();
        systems.clock.advance(Duration.ofHours(2));
        restartWith("bridge.crm.auth.client-secret", "wrong-secret-value");
        bridge.cacheToken("crm", expired);

        Exchange result = authorise("crm", "caller body", "X-Order", "ORD-1");

        assertThat(result.getException()).isInstanceOf(LoginException.class);
        assertThat(result.getMessage().getBody()).as("body").isEqualTo("caller body");
        assertThat(result.getVariables().keySet()).as("variables after the failure")
                .doesNotContain(BridgeNames.TOKEN, "bridgeCachedToken");
        assertThat(result.getVariables().values()).as("variable values")
                .noneMatch(variable -> String.valueOf(variable).contains(Token.fromJson(expired).value()));
    }

    @Test
    void wrongErpPassword_answeredWithHtml_failsWithClearError() {
        restartWith("bridge.erp.auth.password", "not-the-password");

        Exchange result = authorise("erp", "", "X-Any", "1");

        assertThat(result.getException()).isInstanceOf(LoginException.class)
                .hasMessageStartingWith("ERP login refused for user 'sync' at " + systems.erp.url())
                .hasMessageContaining("bridge.erp.auth.password")
                .hasMessageNotContaining("not-the-password");
    }

    @Test
    void unknownSystem_failsNamingTheMissingSetting() {
        Exchange result = authorise("dms", "", "X-Any", "1");

        assertThatThrownBy(() -> { throw result.getException(); })
                .hasMessageContaining("bridge.dms.auth.kind");
    }

    private String issueCrmToken() {
        assertThat(authorise("crm", "", "X-Any", "1").getException()).as("auth error").isNull();
        return bridge.cachedToken("crm");
    }

    /** Returns the fingerprint of the credential a call received: failure messages must not show tokens. */
    private String credential(String system) {
        Exchange result = authorise(system, "", "X-Any", "1");
        assertThat(result.getException()).as("auth error").isNull();
        return Token.fingerprintOf(result.getMessage().getHeader("Authorization", String.class));
    }

    private void restartWith(String property, String value) {
        bridge.close();
        startBridgeWith(Map.of(property, value));
    }

    private Exchange callWithCallersCacheAnswer(String url, Exception handledEarlier) {
        String bridgesOwnKey = bridge.context().getRegistry().lookupByNameAndType("tokens", Tokens.class)
                .cacheKey("crm");
        return crmGet(url, exchange -> {
            // a variable of the caller's own, to compare with after the call
            exchange.setVariable("callersKey", bridgesOwnKey);
            exchange.getMessage().setHeader("CamelCaffeineKey", bridgesOwnKey);
            exchange.getMessage().setBody("caller body");
            exchange.getMessage().setHeader("CamelCaffeineActionHasResult", Boolean.FALSE);
            exchange.getMessage().setHeader("CamelCaffeineActionSucceeded", Boolean.TRUE);
            if (handledEarlier != null) {
                exchange.setProperty(Exchange.EXCEPTION_CAUGHT, handledEarlier);
            }
        });
    }

    /** Sends a CRM GET through direct:authorized-call on an exchange the caller has set up first. */
    private Exchange crmGet(String url, Consumer<Exchange> caller) {
        return bridge.template().request(BridgeNames.CALL_ENDPOINT, exchange -> {
            caller.accept(exchange);
            exchange.setVariable(BridgeNames.SYSTEM, "crm");
            exchange.setVariable(BridgeNames.HTTP_METHOD, "GET");
            exchange.setVariable(BridgeNames.URL, url);
        });
    }

    private Exchange authorise(String system, String body, String header, String value) {
        return bridge.template().request(BridgeNames.AUTH_ENDPOINT, exchange -> {
            exchange.setVariable(BridgeNames.SYSTEM, system);
            exchange.getMessage().setBody(body);
            exchange.getMessage().setHeader(header, value);
        });
    }
}
