package io.crmbridge.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

class TrytonServerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private static final AtomicLong IDS = new AtomicLong();

    private static TrytonServer shared;

    @AfterAll
    static void stopSharedServer() {
        if (shared != null) {
            shared.close();
        }
    }

    @Test
    void syncUser_logsIn_andReadsSeededCustomer() throws Exception {
        TrytonServer server = sharedServer();
        String session = login(server);
        JsonNode context = call(server, session, "model.res.user.get_preferences", List.of(true, Map.of()));

        JsonNode parties = call(server, session, "model.party.party.search_read", params(
                List.of(List.of("code", "=", "ACC-001")), 0, null, null, List.of("code", "name", "addresses"),
                context));

        assertThat(context.path("company").asInt()).as("company in the sync user's context").isPositive();
        assertThat(parties).as("parties with code ACC-001").hasSize(1);
        assertThat(parties.get(0).path("name").asText()).as("seeded customer name").isEqualTo("Müller GmbH");
        assertThat(parties.get(0).path("addresses")).as("seeded customer addresses").hasSize(1);
    }

    @Test
    void syncUser_readsSeededStock_inStorageLocation() throws Exception {
        TrytonServer server = sharedServer();
        String session = login(server);
        ObjectNode context = (ObjectNode) call(server, session, "model.res.user.get_preferences",
                List.of(true, Map.of()));
        JsonNode storage = call(server, session, "model.stock.location.search_read", params(
                List.of(List.of("code", "=", "STO")), 0, null, null, List.of("code"), context));
        context.putArray("locations").add(storage.get(0).path("id").asInt());

        JsonNode products = call(server, session, "model.product.product.search_read", params(
                List.of(List.of("salable", "=", true)), 0, null, List.of(List.of("code", "ASC")),
                List.of("code", "quantity", "list_price"), context));

        assertThat(products).as("salable products").hasSize(3);
        assertThat(products.findValuesAsText("code")).as("product codes")
                .containsExactly("SKU-001", "SKU-002", "SKU-003");
        assertThat(products.findValues("quantity")).as("stock in the storage location")
                .extracting(JsonNode::asDouble).containsExactly(100.0, 7.0, 42.0);
        assertThat(products.get(2).path("list_price").path("decimal").asText()).as("Gizmo list price")
                .isEqualTo("12.50");
    }

    @Test
    void wrongPassword_isRefusedWithHttp401() throws Exception {
        TrytonServer server = sharedServer();
        String request = rpc("common.db.login",
                List.of(server.login(), Map.of("password", "not-the-password"), "en"));

        HttpResponse<String> response = post(server, null, request);

        assertThat(response.statusCode()).as("status of a refused login").isEqualTo(401);
    }

    @Test
    void session_isRefused_afterMaxAge() throws Exception {
        // Proves max_age reaches the server config; the bridge relies on this 401 to log in again.
        try (TrytonServer server = TrytonServer.start(Duration.ofSeconds(2))) {
            String session = login(server);
            String preferences = rpc("model.res.user.get_preferences", List.of(true, Map.of()));
            assertThat(post(server, session, preferences).statusCode()).as("status while fresh")
                    .isEqualTo(200);

            Instant deadline = Instant.now().plusSeconds(15);
            int status = 200;
            while (status == 200 && Instant.now().isBefore(deadline)) {
                status = post(server, session, preferences).statusCode();
            }

            assertThat(status).as("status once the session is older than max_age").isEqualTo(401);
        }
    }

    @Test
    void missingTryton_abortsTest_whenNotRequired() {
        Map<String, String> env = Map.of(TrytonServer.TRYTOND_BIN_ENV, "/nonexistent/bin/trytond");

        assertThatThrownBy(() -> TrytonServer.locateTryton(env))
                .isInstanceOf(TestAbortedException.class)
                .hasMessageContaining(".ci/install-tryton.sh")
                .hasMessageContaining("BRIDGE_REQUIRE_TRYTON=true");
    }

    @Test
    void missingTryton_failsTest_whenRequired() {
        // CI sets BRIDGE_REQUIRE_TRYTON so a broken install cannot pass as a green run of skipped tests.
        Map<String, String> env = Map.of(
                "PATH", "/nonexistent/bin",
                TrytonServer.REQUIRE_ENV, "true");

        assertThatThrownBy(() -> TrytonServer.locateTryton(env))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Tryton is not installed")
                .hasMessageContaining("on PATH");
    }

    private static synchronized TrytonServer sharedServer() {
        if (shared == null) {
            shared = TrytonServer.start(Duration.ofMinutes(30));
        }
        return shared;
    }

    /** JSON-RPC positional parameters; unlike List.of it takes the nulls Tryton reads as "no limit". */
    private static List<Object> params(Object... values) {
        return Arrays.asList(values);
    }

    private static String login(TrytonServer server) throws Exception {
        HttpResponse<String> response = post(server, null,
                rpc("common.db.login", List.of(server.login(), Map.of("password", server.password()), "en")));
        assertThat(response.statusCode()).as("login status").isEqualTo(200);

        JsonNode result = JSON.readTree(response.body()).path("result");
        String credentials = server.login() + ":" + result.get(0).asInt() + ":" + result.get(1).asText();
        return "Session " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode call(TrytonServer server, String session, String method, List<?> params)
            throws Exception {
        HttpResponse<String> response = post(server, session, rpc(method, params));
        JsonNode body = JSON.readTree(response.body());
        assertThat(response.statusCode()).as("HTTP status of " + method).isEqualTo(200);
        assertThat(body.has("error")).as("error in the reply to " + method + ": " + body.path("error"))
                .isFalse();
        return body.path("result");
    }

    private static String rpc(String method, List<?> params) throws IOException {
        ObjectNode request = JSON.createObjectNode();
        request.put("id", IDS.incrementAndGet());
        request.put("method", method);
        request.set("params", JSON.valueToTree(params));
        return JSON.writeValueAsString(request);
    }

    private static HttpResponse<String> post(TrytonServer server, String session, String body)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.url()))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (session != null) {
            request.header("Authorization", session);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }
}
