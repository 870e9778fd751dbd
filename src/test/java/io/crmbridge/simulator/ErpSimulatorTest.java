package io.crmbridge.simulator;

import static io.crmbridge.simulator.SimHttp.json;
import static io.crmbridge.simulator.SimHttp.send;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.crmbridge.testsupport.MutableClock;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ErpSimulatorTest {

    private static final Instant START = Instant.parse("2026-12-01T10:00:00Z");
    private static final String CONTEXT = "{\"company\": 1, \"language\": \"en\"}";
    private static final String LOGIN_PARAMS = "[\"sync\", {\"password\": \"pw\"}, \"en\"]";
    private static final String PREFERENCES = "model.res.user.get_preferences";
    private static final String DECIMAL_PRICE = "{\"__class__\": \"Decimal\", \"decimal\": \"10.125\"}";

    private final MutableClock clock = new MutableClock(START);
    private final List<ErpSimulator> started = new ArrayList<>();

    @AfterEach
    void closeSimulators() {
        started.forEach(ErpSimulator::close);
    }

    private ErpSimulator start(ErpSimulator.Builder builder) {
        ErpSimulator simulator = builder.clock(clock).data(SimulatorData.generate(START)).password("pw")
                .build().start();
        started.add(simulator);
        return simulator;
    }

    private ErpSimulator start() {
        return start(ErpSimulator.builder());
    }

    private static HttpResponse<String> rpc(String url, String session, String method, String params) {
        String body = "{\"id\": 7, \"method\": \"" + method + "\", \"params\": " + params + "}";
        return session == null
                ? send("POST", url, body, "Content-Type", "application/json")
                : send("POST", url, body, "Content-Type", "application/json", "Authorization", session);
    }

    /** Logs in and gives the Authorization header value for the new session. */
    private static String login(ErpSimulator erp) {
        JsonNode result = json(rpc(erp.url(), null, "common.db.login", LOGIN_PARAMS)).get("result");
        String credentials = "sync:" + result.get(0).asInt() + ":" + result.get(1).asText();
        return "Session " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode result(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode body = json(response);
        assertThat(body.has("error")).as(response.body()).isFalse();
        assertThat(body.get("id").asInt()).isEqualTo(7);
        return body.get("result");
    }

    private static String saleValues(String lineExtras) {
        return "[[{\"party\": 1, \"invoice_address\": 101, \"shipment_address\": 101,"
                + " \"reference\": \"ORD-0001\","
                + " \"lines\": [[\"create\", [{\"product\": 2, \"quantity\": 3, \"unit\": 1,"
                + " \"unit_price\": " + DECIMAL_PRICE + lineExtras + "}]]]}], " + CONTEXT + "]";
    }

    @Test
    void login_givesUserIdAndRandomHexSession() {
        ErpSimulator erp = start();

        JsonNode result = result(rpc(erp.url(), null, "common.db.login", LOGIN_PARAMS));

        assertThat(result.get(0).asInt()).isEqualTo(ErpSimulator.USER_ID);
        assertThat(result.get(1).asText()).matches("[0-9a-f]{32,}");
        assertThat(erp.logins()).isEqualTo(1);
    }

    @Test
    void wrongPassword_isRejectedWith401HtmlPage() {
        ErpSimulator erp = start();

        HttpResponse<String> response =
                rpc(erp.url(), null, "common.db.login", "[\"sync\", {\"password\": \"wrong\"}, \"en\"]");

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/html"));
        assertThat(response.body()).contains("Unauthorized");
        assertThat(erp.logins()).isZero();
    }

    @Test
    void wrongDatabase_is404HtmlPage() {
        ErpSimulator erp = start();

        HttpResponse<String> response = rpc(erp.baseUrl() + "/other/", null, "common.db.login",
                "[\"sync\", {\"password\": \"pw\"}, \"en\"]");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
    }

    @Test
    void unknownSession_is401WithEmptyBodyAndBasicChallenge() {
        ErpSimulator erp = start();
        String forged = "Session "
                + Base64.getEncoder().encodeToString("sync:2:abcdef".getBytes(StandardCharsets.UTF_8));

        HttpResponse<String> response = rpc(erp.url(), forged, PREFERENCES, "[true, {}]");

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.body()).isEmpty();
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Basic realm=\"Tryton\"");
        assertThat(erp.unknownSessionRejections()).isEqualTo(1);
    }

    @Test
    void expiredSession_is401AndCountedAsExpired() {
        ErpSimulator erp = start(ErpSimulator.builder().sessionLifetime(Duration.ofMinutes(5)));
        String session = login(erp);

        clock.advance(Duration.ofMinutes(5).minusMillis(1));
        HttpResponse<String> justBefore = rpc(erp.url(), session, PREFERENCES, "[true, {}]");
        clock.advance(Duration.ofMillis(1));
        HttpResponse<String> atLifetime = rpc(erp.url(), session, PREFERENCES, "[true, {}]");

        assertThat(justBefore.statusCode()).isEqualTo(200);
        assertThat(atLifetime.statusCode()).isEqualTo(401);
        assertThat(atLifetime.body()).isEmpty();
        assertThat(erp.expiredSessionRejections()).isEqualTo(1);
    }

    @Test
    void preferences_nameCompanyAndUser() {
        ErpSimulator erp = start();

        JsonNode preferences = result(rpc(erp.url(), login(erp), PREFERENCES, "[true, {}]"));

        assertThat(preferences.get("company").asInt()).isEqualTo(1);
        assertThat(preferences.get("language").asText()).isEqualTo("en");
        assertThat(preferences.get("id").asInt()).isEqualTo(ErpSimulator.USER_ID);
    }

    @Test
    void searchRead_findsPartyByCodeWithItsAddress() {
        ErpSimulator erp = start();

        JsonNode parties = result(rpc(erp.url(), login(erp), "model.party.party.search_read",
                "[[[\"code\", \"in\", [\"ACC-002\", \"ACC-004\"]]], 0, null, [[\"code\", \"DESC\"]],"
                        + " [\"code\", \"name\", \"addresses\"], {}]"));

        assertThat(parties).extracting(p -> p.get("code").asText()).containsExactly("ACC-004", "ACC-002");
        assertThat(parties.get(1).get("id").asInt()).isEqualTo(2);
        assertThat(parties.get(1).get("addresses").get(0).asInt()).isEqualTo(102);
    }

    @Test
    void productQuantity_isStockOnlyWithLocationsInContext() {
        // Real Tryton reports 0.0 without a locations context, a classic source of "stock vanished" bugs.
        ErpSimulator erp = start();
        erp.setStockQuantity("SKU-003", new BigDecimal("42"));
        String session = login(erp);
        String query =
                "[[[\"code\", \"=\", \"SKU-003\"]], 0, 1, null, [\"code\", \"quantity\", \"list_price\"], ";

        JsonNode plain = result(rpc(erp.url(), session, "model.product.product.search_read", query + "{}]"));
        JsonNode storage = result(rpc(erp.url(), session, "model.product.product.search_read",
                query + "{\"locations\": [3]}]"));
        JsonNode warehouse = result(rpc(erp.url(), session, "model.product.product.search_read",
                query + "{\"locations\": [1]}]"));

        assertThat(plain.get(0).get("quantity").decimalValue()).isEqualByComparingTo("0");
        assertThat(plain.get(0).get("quantity").toString()).isEqualTo("0.0");
        assertThat(storage.get(0).get("quantity").toString()).isEqualTo("42.0");
        assertThat(warehouse.get(0).get("quantity").toString()).isEqualTo("42.0");
        assertThat(storage.get(0).get("list_price").get("__class__").asText()).isEqualTo("Decimal");
    }

    @Test
    void stockLocations_includeStorageZone() {
        ErpSimulator erp = start();

        JsonNode locations = result(rpc(erp.url(), login(erp), "model.stock.location.search_read",
                "[[[\"code\", \"=\", \"STO\"]], 0, null, null, [\"code\", \"name\"], {}]"));

        assertThat(locations.get(0).get("id").asInt()).isEqualTo(ErpSimulator.STORAGE_LOCATION_ID);
        assertThat(locations.get(0).get("name").asText()).isEqualTo("Storage Zone");
    }

    @Test
    void saleCreateThenQuote_assignsNumberFromSequence() {
        ErpSimulator erp = start();
        String session = login(erp);

        int id = result(rpc(erp.url(), session, "model.sale.sale.create", saleValues(""))).get(0).asInt();
        JsonNode draft = result(rpc(erp.url(), session, "model.sale.sale.read",
                "[[" + id + "], [\"number\", \"state\", \"lines\", \"total_amount\"], " + CONTEXT + "]"))
                .get(0);
        JsonNode quoted =
                result(rpc(erp.url(), session, "model.sale.sale.quote", "[[" + id + "], " + CONTEXT + "]"));
        JsonNode afterQuote = result(rpc(erp.url(), session, "model.sale.sale.search_read",
                "[[[\"reference\", \"=\", \"ORD-0001\"]], 0, null, null, [\"number\", \"state\"], {}]"))
                .get(0);
        result(rpc(erp.url(), session, "model.sale.sale.confirm", "[[" + id + "], " + CONTEXT + "]"));

        assertThat(draft.get("number").isNull()).isTrue();
        assertThat(draft.get("state").asText()).isEqualTo("draft");
        assertThat(draft.get("total_amount").get("decimal").asText()).isEqualTo("30.38");
        assertThat(quoted.isNull()).isTrue();
        assertThat(afterQuote.get("number").asText()).isEqualTo("1");
        assertThat(afterQuote.get("state").asText()).isEqualTo("quotation");
        ErpSimulator.Sale sale = erp.saleByReference("ORD-0001").orElseThrow();
        assertThat(sale.state()).isEqualTo("confirmed");
        assertThat(sale.partyCode()).isEqualTo("ACC-001");
        assertThat(sale.lines()).singleElement().satisfies(line -> {
            assertThat(line.productCode()).isEqualTo("SKU-002");
            assertThat(line.unitPrice()).isEqualTo(new BigDecimal("10.125"));
        });
    }

    @Test
    void manySalesInOneCreate_areQuotedInOneCall_andFoundByReferenceOrIdLists() {
        // The bridge creates and quotes the sales of a whole page at once, then reads them back by lists.
        ErpSimulator erp = start();
        String session = login(erp);
        String one = saleValues("");
        String sale = one.substring(2, one.indexOf("], " + CONTEXT));
        String three = "[[" + String.join(", ", sale, sale.replace("ORD-0001", "ORD-0002"),
                sale.replace("ORD-0001", "ORD-0003")) + "], " + CONTEXT + "]";

        JsonNode ids = result(rpc(erp.url(), session, "model.sale.sale.create", three));
        result(rpc(erp.url(), session, "model.sale.sale.quote", "[" + ids + ", " + CONTEXT + "]"));
        JsonNode byReferences = result(rpc(erp.url(), session, "model.sale.sale.search_read",
                "[[[\"reference\", \"in\", [\"ORD-0003\", \"ORD-0001\", \"ORD-0009\"]]], 0, null, null,"
                        + " [\"reference\", \"number\", \"state\"], {}]"));
        JsonNode byIds = result(rpc(erp.url(), session, "model.sale.sale.search_read",
                "[[[\"id\", \"in\", " + ids + "], [\"reference\", \"!=\", \"ORD-0002\"]], 0, null,"
                        + " [[\"id\", \"DESC\"]], [\"reference\"], {}]"));
        JsonNode byId = result(rpc(erp.url(), session, "model.sale.sale.search_read",
                "[[[\"id\", \"=\", " + ids.get(1) + "]], 0, null, null, [\"reference\"], {}]"));

        assertThat(ids).hasSize(3);
        assertThat(byReferences).extracting(s -> s.get("reference").asText() + " " + s.get("number").asText()
                + " " + s.get("state").asText())
                .containsExactly("ORD-0001 1 quotation", "ORD-0003 3 quotation");
        assertThat(byIds).extracting(s -> s.get("reference").asText())
                .containsExactly("ORD-0003", "ORD-0001");
        assertThat(byId).extracting(s -> s.get("reference").asText()).containsExactly("ORD-0002");
        assertThat(erp.salesPerReference()).containsOnly(Map.entry("ORD-0001", 1), Map.entry("ORD-0002", 1),
                Map.entry("ORD-0003", 1));
    }

    @Test
    void saleLineRead_keepsDecimalPrecision() {
        ErpSimulator erp = start();
        String session = login(erp);
        String values = saleValues("").replace("\"10.125\"", "\"12.345678901234567890\"");
        int id = result(rpc(erp.url(), session, "model.sale.sale.create", values)).get(0).asInt();
        int lineId = result(rpc(erp.url(), session, "model.sale.sale.read",
                "[[" + id + "], [\"lines\"], {}]")).get(0).get("lines").get(0).asInt();

        HttpResponse<String> line = rpc(erp.url(), session, "model.sale.line.read",
                "[[" + lineId + "], [\"product\", \"quantity\", \"unit\", \"unit_price\"], {}]");

        JsonNode read = result(line).get(0);
        assertThat(read.get("unit_price").get("decimal").asText()).isEqualTo("12.345678901234567890");
        assertThat(read.get("quantity").toString()).isEqualTo("3.0");
        assertThat(read.get("unit").asInt()).isEqualTo(1);
    }

    @Test
    void plainNumberUnitPrice_isAccepted() {
        ErpSimulator erp = start();
        String values = saleValues("").replace(DECIMAL_PRICE, "9.5");

        result(rpc(erp.url(), login(erp), "model.sale.sale.create", values));

        assertThat(erp.sales().get(0).lines().get(0).unitPrice()).isEqualByComparingTo("9.5");
    }

    @Test
    void createWithoutCompany_isUserErrorWithHttp200() {
        ErpSimulator erp = start();

        HttpResponse<String> response = rpc(erp.url(), login(erp), "model.sale.sale.create",
                saleValues("").replace(CONTEXT, "{}"));

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode error = json(response).get("error");
        assertThat(error.get(0).asText()).isEqualTo("UserError");
        assertThat(error.get(1).get(0).asText())
                .isEqualTo("You need a company in the context to create sale orders.");
        assertThat(error.get(1).get(1).asText()).isEmpty();
        assertThat(erp.sales()).isEmpty();
    }

    @Test
    void invalidSales_areUserErrorsAndCreateNothing() {
        ErpSimulator erp = start();
        String session = login(erp);
        List<String> invalid = List.of(
                saleValues("").replace("\"unit\": 1", "\"unit\": 9"),
                saleValues("").replace("\"product\": 2", "\"product\": 999"),
                saleValues("").replace("\"party\": 1,", ""),
                saleValues("").replace("\"party\": 1", "\"party\": 77"),
                saleValues("").replace("\"invoice_address\": 101", "\"invoice_address\": 102"),
                saleValues("").replace("\"quantity\": 3,", ""));

        for (String values : invalid) {
            HttpResponse<String> response = rpc(erp.url(), session, "model.sale.sale.create", values);
            assertThat(response.statusCode()).as(values).isEqualTo(200);
            JsonNode error = json(response).get("error");
            assertThat(error).as(values).isNotNull();
            assertThat(error.get(0).asText()).isEqualTo("UserError");
            assertThat(error.get(1).get(0).asText()).as(values).isNotBlank();
        }
        assertThat(erp.sales()).isEmpty();
    }

    @Test
    void unknownMethod_isUserErrorShape() {
        ErpSimulator erp = start();

        HttpResponse<String> response = rpc(erp.url(), login(erp), "model.sale.sale.explode", "[[1], {}]");

        JsonNode error = json(response).get("error");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(error.get(0).asText()).isEqualTo("UserError");
        assertThat(error.get(1).get(0).asText()).isEqualTo("Method not found: model.sale.sale.explode");
    }

    @Test
    void failNextRequests_answersCannedReplyThenRecovers() {
        ErpSimulator erp = start();
        String session = login(erp);
        erp.failNextRequests(1, 502, "text/html", "<html>Bad Gateway</html>");

        HttpResponse<String> failed = rpc(erp.url(), session, PREFERENCES, "[true, {}]");
        HttpResponse<String> recovered = rpc(erp.url(), session, PREFERENCES, "[true, {}]");

        assertThat(failed.statusCode()).isEqualTo(502);
        assertThat(recovered.statusCode()).isEqualTo(200);
    }

    @Test
    void stockQuantity_canBeReadAndSetByTests() {
        ErpSimulator erp = start();

        erp.setStockQuantity("SKU-001", new BigDecimal("7.5"));

        assertThat(erp.stockQuantity("SKU-001")).isEqualTo(new BigDecimal("7.5"));
    }
}
