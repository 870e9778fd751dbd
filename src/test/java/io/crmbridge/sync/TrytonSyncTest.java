package io.crmbridge.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crmbridge.BridgeNames;
import io.crmbridge.Json;
import io.crmbridge.simulator.CrmSimulator;
import io.crmbridge.simulator.SimulatorData;
import io.crmbridge.simulator.SimulatorData.Account;
import io.crmbridge.simulator.SimulatorData.Order;
import io.crmbridge.simulator.SimulatorData.OrderLine;
import io.crmbridge.simulator.SimulatorData.Product;
import io.crmbridge.testsupport.BridgeRuntime;
import io.crmbridge.testsupport.BridgeSettings;
import io.crmbridge.testsupport.MutableClock;
import io.crmbridge.testsupport.Simulators;
import io.crmbridge.testsupport.TrytonServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bridge against a real, seeded Tryton 6.0 on one side and the CRM simulator on the other; Tryton is read
 * back over its own JSON-RPC, as a user checking the ERP would.
 */
class TrytonSyncTest {

    private static final Duration LONG_SESSIONS = Duration.ofMinutes(30);
    private static final Duration SHORT_SESSIONS = Duration.ofSeconds(3);
    private static final Duration EXPIRY_DEADLINE = Duration.ofSeconds(10);

    private static final Account MUELLER = new Account(UUID.randomUUID(), "ACC-001", "Müller GmbH");
    private static final Account NORTHWIND = new Account(UUID.randomUUID(), "ACC-002", "Northwind Traders");
    private static final Product WIDGET = new Product(UUID.randomUUID(), "SKU-001", "Widget Ø 4 mm",
            new BigDecimal("10.00"), BigDecimal.ZERO);
    private static final Product GADGET = new Product(UUID.randomUUID(), "SKU-002", "Gadget groß",
            new BigDecimal("25.00"), BigDecimal.ZERO);
    private static final Product GIZMO = new Product(UUID.randomUUID(), "SKU-003",
            "Gizmo – Édition spéciale",
            new BigDecimal("12.50"), BigDecimal.ZERO);

    @TempDir
    Path folder;

    private final MutableClock clock = new MutableClock(Simulators.START);
    private final String clientSecret = "crm-secret-" + UUID.randomUUID();
    private TrytonServer tryton;
    private CrmSimulator crm;
    private BridgeRuntime bridge;
    private TrytonReader erp;
    private List<Order> orders;

    @AfterEach
    void stop() {
        if (bridge != null) {
            bridge.close();
        }
        if (crm != null) {
            crm.close();
        }
        if (tryton != null) {
            tryton.close();
        }
    }

    @Test
    void firstPass_createsOneQuotedTrytonSalePerCrmOrder_withPartyLinesAndPrices() throws Exception {
        start(LONG_SESSIONS);

        PassSummary summary = bridge.runPass();

        assertThat(summary.ordersCreated()).as("orders created").isEqualTo(orders.size());
        assertThat(summary.ordersFailed()).as("orders failed").isZero();
        assertThat(summary.succeeded()).as("pass succeeded: " + summary.line()).isTrue();
        Map<String, List<TrytonSale>> sales = erp.salesByReference();
        for (Order order : orders) {
            List<TrytonSale> found = sales.getOrDefault(order.id().toString(), List.of());
            assertThat(found).as("Tryton sales with reference " + order.id()).hasSize(1);
            TrytonSale sale = found.get(0);
            assertThat(sale.partyCode()).as("party of " + order.number()).isEqualTo(accountCode(order));
            assertThat(sale.lines()).as("lines of " + order.number()).isEqualTo(lineSummary(order));
            assertThat(sale.state()).as("state of " + order.number()).isEqualTo("quotation");
            assertThat(sale.description()).as("description of " + order.number())
                    .isEqualTo("CRM order " + order.number());
            Map<String, Object> written = crm.order(order.id());
            assertThat(written.get("UsrErpNumber")).as("ERP number on CRM order " + order.number())
                    .isEqualTo(sale.number());
            assertThat(written.get("UsrErpState")).as("ERP state on CRM order " + order.number())
                    .isEqualTo("quotation");
        }
    }

    @Test
    void secondPass_createsNothing_andTrytonKeepsOneSalePerOrder() throws Exception {
        start(LONG_SESSIONS);
        bridge.runPass();
        clock.advance(Duration.ofMinutes(1));

        PassSummary second = bridge.runPass();

        assertThat(second.ordersCreated()).as("orders created in the second pass").isZero();
        assertThat(second.succeeded()).as("second pass succeeded: " + second.line()).isTrue();
        Map<String, List<TrytonSale>> sales = erp.salesByReference();
        assertThat(sales.keySet()).as("references of Tryton sales")
                .containsExactlyInAnyOrderElementsOf(orders.stream().map(o -> o.id().toString()).toList());
        sales.forEach((reference, found) -> assertThat(found).as("sales with reference " + reference)
                .hasSize(1));
    }

    @Test
    void stockInTrytonStorage_reachesEveryCrmProduct() throws Exception {
        start(LONG_SESSIONS);

        PassSummary summary = bridge.runPass();

        Map<String, BigDecimal> stock = erp.stockInStorage();
        assertThat(stock).as("Tryton stock in STO").containsOnlyKeys("SKU-001", "SKU-002", "SKU-003");
        assertThat(summary.stockUpdated()).as("CRM products updated").isEqualTo(3);
        assertThat(summary.stockFailed()).as("CRM products failed").isZero();
        stock.forEach((code, quantity) -> assertThat((BigDecimal) crm.product(code).get("UsrStockQuantity"))
                .as("CRM stock of " + code).isEqualByComparingTo(quantity));
    }

    @Test
    void sessionExpiredByTryton_isRenewedOn401_andNoOrderFails() throws Exception {
        // Tryton ends sessions after its own max_age and says so only with a 401; the bridge's lifetime
        // setting is longer, so it sends the dead session and must recover from the refusal alone.
        start(SHORT_SESSIONS);
        PassSummary first = bridge.runPass();
        // On a busy machine the short session may already end during this pass: that is the same recovery.
        assertThat(first.succeeded()).as("first pass succeeded: " + first.line()).isTrue();
        erp.awaitFreshSessionExpiry(EXPIRY_DEADLINE);

        clock.advance(Duration.ofMinutes(1));
        Order added = crm.addOrder(new Order(UUID.randomUUID(), "ORD-0005", MUELLER.id(), clock.instant(),
                List.of(line(GADGET, "4", "23.10"))));
        PassSummary second = bridge.runPass();

        assertThat(second.loginsErp()).as("ERP logins in the pass after Tryton expired the session")
                .isGreaterThanOrEqualTo(1);
        assertThat(second.ordersFailed()).as("orders failed: " + second.line()).isZero();
        assertThat(second.ordersCreated()).as("orders created").isEqualTo(1);
        assertThat(second.succeeded()).as("pass succeeded: " + second.line()).isTrue();
        List<TrytonSale> found = erp.salesByReference().getOrDefault(added.id().toString(), List.of());
        assertThat(found).as("Tryton sales for the order added after expiry").hasSize(1);
        assertThat(found.get(0).lines()).as("lines of ORD-0005").isEqualTo(lineSummary(added));
        assertThat(crm.order(added.id()).get("UsrErpNumber")).as("ERP number on ORD-0005")
                .isEqualTo(found.get(0).number());
    }

    private void start(Duration sessionMaxAge) {
        tryton = TrytonServer.start(sessionMaxAge);
        erp = new TrytonReader(tryton);
        orders = List.of(
                order("ORD-0001", MUELLER, Duration.ofHours(3), line(WIDGET, "3", "10.00"),
                        line(GIZMO, "2", "12.35")),
                order("ORD-0002", NORTHWIND, Duration.ofHours(2), line(GADGET, "1", "25.00")),
                order("ORD-0003-Müller", MUELLER, Duration.ofHours(1), line(WIDGET, "5", "9.99"),
                        line(GADGET, "2", "24.5"), line(GIZMO, "1", "12.50")),
                order("ORD-0004", NORTHWIND, Duration.ofMinutes(30), line(GIZMO, "10", "11.875")));
        crm = CrmSimulator.builder().clock(clock)
                .data(new SimulatorData(List.of(MUELLER, NORTHWIND), List.of(WIDGET, GADGET, GIZMO), orders))
                .clientId("bridge-test").clientSecret(clientSecret).tokenLifetime(Duration.ofMinutes(30))
                .build().start();
        bridge = BridgeRuntime.start(bridgeProperties(), Map.of(BridgeNames.CLOCK, clock));
    }

    private Map<String, String> bridgeProperties() {
        return BridgeSettings.withWatermark(folder.resolve("orders-watermark.json"))
                .crm(crm.baseUrl(), crm.tokenUrl(), "bridge-test", clientSecret)
                .erp("http://127.0.0.1:" + tryton.port(), tryton.database(), tryton.login(), tryton.password(), "1h")
                .with("bridge.auth.expiry-margin", "5s")
                .toMap();
    }

    private static Order order(String number, Account account, Duration age, OrderLine... lines) {
        return new Order(UUID.randomUUID(), number, account.id(), Simulators.START.minus(age),
                List.of(lines));
    }

    private static OrderLine line(Product product, String quantity, String price) {
        return new OrderLine(UUID.randomUUID(), product.id(), new BigDecimal(quantity),
                new BigDecimal(price));
    }

    private static String accountCode(Order order) {
        return order.accountId().equals(MUELLER.id()) ? MUELLER.code() : NORTHWIND.code();
    }

    private static String lineSummary(Order order) {
        Map<UUID, String> codes = Map.of(WIDGET.id(), WIDGET.code(), GADGET.id(), GADGET.code(),
                GIZMO.id(), GIZMO.code());
        return order.lines().stream()
                .map(line -> describeLine(codes.get(line.productId()), line.quantity(), line.price()))
                .sorted().collect(Collectors.joining(", "));
    }

    private static String describeLine(String productCode, BigDecimal quantity, BigDecimal unitPrice) {
        return productCode + " x " + quantity.stripTrailingZeros().toPlainString() + " @ "
                + unitPrice.stripTrailingZeros().toPlainString();
    }

    /** A Tryton sale as read back, its lines summarised as sorted "CODE x QTY @ PRICE" text. */
    private record TrytonSale(String number, String state, String partyCode, String description,
                              String lines) {
    }

    /** Reads Tryton over JSON-RPC as the sync user, logging in again whenever Tryton ends the session. */
    private static final class TrytonReader {

        private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        private final TrytonServer server;
        private long ids;
        private String session;
        private ObjectNode context;

        TrytonReader(TrytonServer server) {
            this.server = server;
        }

        Map<String, List<TrytonSale>> salesByReference() throws Exception {
            Map<Long, String> parties = codesById("party.party");
            Map<Long, String> products = codesById("product.product");
            JsonNode sales = searchRead("sale.sale", Json.MAPPER.createArrayNode(),
                    List.of("number", "state", "reference", "party", "description"), null);
            JsonNode lines = searchRead("sale.line", Json.MAPPER.createArrayNode(),
                    List.of("sale", "product", "quantity", "unit_price"), null);

            Map<Long, List<String>> linesBySale = new HashMap<>();
            for (JsonNode line : lines) {
                linesBySale.computeIfAbsent(line.path("sale").asLong(), id -> new ArrayList<>())
                        .add(describeLine(products.get(line.path("product").asLong()),
                                line.path("quantity").decimalValue(),
                                new BigDecimal(line.path("unit_price").path("decimal").asText())));
            }
            Map<String, List<TrytonSale>> byReference = new HashMap<>();
            for (JsonNode sale : sales) {
                String lineText = linesBySale.getOrDefault(sale.path("id").asLong(), List.of()).stream()
                        .sorted().collect(Collectors.joining(", "));
                byReference.computeIfAbsent(sale.path("reference").asText(), ref -> new ArrayList<>())
                        .add(new TrytonSale(sale.path("number").asText(), sale.path("state").asText(),
                                parties.get(sale.path("party").asLong()), sale.path("description").asText(),
                                lineText));
            }
            return byReference;
        }

        Map<String, BigDecimal> stockInStorage() throws Exception {
            JsonNode storage = searchRead("stock.location", domain("code", "=", "STO"), List.of("code"),
                    null);
            ObjectNode locations = Json.MAPPER.createObjectNode();
            locations.putArray("locations").add(storage.get(0).path("id").asLong());
            JsonNode products = searchRead("product.product", domain("salable", "=", true),
                    List.of("code", "quantity"), locations);
            Map<String, BigDecimal> stock = new HashMap<>();
            products.forEach(p -> stock.put(p.path("code").asText(), p.path("quantity").decimalValue()));
            return stock;
        }

        /**
         * Logs in afresh and waits until Tryton refuses that session, which proves every older session,
         * the bridge's included, has passed max_age too.
         */
        void awaitFreshSessionExpiry(Duration deadline) throws Exception {
            login();
            String probe = session;
            String request = request("model.res.user.get_preferences",
                    Json.MAPPER.createArrayNode().add(true).add(Json.MAPPER.createObjectNode()));
            Instant giveUp = Instant.now().plus(deadline);
            int status = post(probe, request).statusCode();
            while (status == 200 && Instant.now().isBefore(giveUp)) {
                status = post(probe, request).statusCode();
            }
            assertThat(status).as("Tryton's answer to a session older than max_age").isEqualTo(401);
        }

        private Map<Long, String> codesById(String model) throws Exception {
            Map<Long, String> codes = new HashMap<>();
            searchRead(model, Json.MAPPER.createArrayNode(), List.of("code"), null)
                    .forEach(record -> codes.put(record.path("id").asLong(), record.path("code").asText()));
            return codes;
        }

        private JsonNode searchRead(String model, ArrayNode domain, List<String> fields,
                                    ObjectNode extraContext) throws Exception {
            ArrayNode params = Json.MAPPER.createArrayNode();
            params.add(domain).add(0).addNull().addNull();
            fields.forEach(params.addArray()::add);
            return call("model." + model + ".search_read", params, extraContext);
        }

        private JsonNode call(String method, ArrayNode params, ObjectNode extraContext) throws Exception {
            if (session == null) {
                login();
            }
            HttpResponse<String> response = post(session, request(method, withContext(params, extraContext)));
            if (response.statusCode() == 401) {
                login();
                response = post(session, request(method, withContext(params, extraContext)));
            }
            return result(method, response);
        }

        private ArrayNode withContext(ArrayNode params, ObjectNode extraContext) {
            ObjectNode merged = context.deepCopy();
            if (extraContext != null) {
                merged.setAll(extraContext);
            }
            return params.deepCopy().add(merged);
        }

        private void login() throws Exception {
            ArrayNode params = Json.MAPPER.createArrayNode().add(server.login());
            params.addObject().put("password", server.password());
            params.add("en");
            JsonNode result = result("common.db.login", post(null, request("common.db.login", params)));
            String credentials = server.login() + ":" + result.get(0).asLong() + ":" + result.get(1).asText();
            session = "Session "
                    + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
            ArrayNode preferences = Json.MAPPER.createArrayNode().add(true)
                    .add(Json.MAPPER.createObjectNode());
            context = (ObjectNode) result("model.res.user.get_preferences",
                    post(session, request("model.res.user.get_preferences", preferences)));
        }

        private JsonNode result(String method, HttpResponse<String> response) throws Exception {
            assertThat(response.statusCode()).as("HTTP status of " + method).isEqualTo(200);
            JsonNode body = Json.MAPPER.readTree(response.body());
            assertThat(body.path("error").isMissingNode()).as("error in the reply to " + method + ": "
                    + body.path("error")).isTrue();
            return body.path("result");
        }

        private String request(String method, ArrayNode params) {
            ObjectNode request = Json.MAPPER.createObjectNode();
            request.put("id", ++ids);
            request.put("method", method);
            request.set("params", params);
            return Json.write(request);
        }

        private HttpResponse<String> post(String authorization, String body) throws Exception {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.url()))
                    .timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
            if (authorization != null) {
                request.header("Authorization", authorization);
            }
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        }

        private static ArrayNode domain(String field, String operator, Object value) {
            ArrayNode clause = Json.MAPPER.createArrayNode().add(field).add(operator);
            clause.add(Json.MAPPER.valueToTree(value));
            return Json.MAPPER.createArrayNode().add(clause);
        }
    }
}
