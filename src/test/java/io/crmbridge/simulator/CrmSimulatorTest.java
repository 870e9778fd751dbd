package io.crmbridge.simulator;

import static io.crmbridge.simulator.SimHttp.encode;
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
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CrmSimulatorTest {

    private static final Instant START = Instant.parse("2026-12-01T10:00:00Z");

    private final MutableClock clock = new MutableClock(START);
    private final List<CrmSimulator> started = new ArrayList<>();

    @AfterEach
    void closeSimulators() {
        started.forEach(CrmSimulator::close);
    }

    private CrmSimulator start(CrmSimulator.Builder builder) {
        CrmSimulator simulator = builder.clock(clock).clientId("bridge").clientSecret("s3cret").build()
                .start();
        started.add(simulator);
        return simulator;
    }

    private CrmSimulator start() {
        return start(CrmSimulator.builder().data(SimulatorData.generate(START)));
    }

    private static HttpResponse<String> requestToken(CrmSimulator crm, String form) {
        return send("POST", crm.tokenUrl(), form, "Content-Type", "application/x-www-form-urlencoded");
    }

    private static String token(CrmSimulator crm) {
        HttpResponse<String> response =
                requestToken(crm, "grant_type=client_credentials&client_id=bridge&client_secret=s3cret");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json(response).get("access_token").asText();
    }

    private static HttpResponse<String> get(CrmSimulator crm, String token, String pathAndQuery) {
        return send("GET", crm.baseUrl() + pathAndQuery, null, "Authorization", "Bearer " + token);
    }

    private static JsonNode jwtPayload(String token) {
        String[] parts = token.split("\\.");
        assertThat(parts).as("JWT has three parts").hasSize(3);
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        try {
            return SimHttp.JSON.readTree(payload);
        } catch (Exception e) {
            throw new AssertionError(payload, e);
        }
    }

    @Test
    void rightCredentials_getSignedJwtWithExpiry() {
        CrmSimulator crm = start(CrmSimulator.builder().tokenLifetime(Duration.ofMinutes(30)));

        HttpResponse<String> response =
                requestToken(crm, "grant_type=client_credentials&client_id=bridge&client_secret=s3cret");

        JsonNode body = json(response);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(body.get("token_type").asText()).isEqualTo("Bearer");
        assertThat(body.get("expires_in").isNumber()).as("expires_in is a JSON number").isTrue();
        assertThat(body.get("expires_in").asLong()).isEqualTo(1800);
        JsonNode claims = jwtPayload(body.get("access_token").asText());
        assertThat(claims.get("iat").asLong()).isEqualTo(START.getEpochSecond());
        assertThat(claims.get("exp").asLong()).isEqualTo(START.getEpochSecond() + 1800);
        assertThat(claims.get("client_id").asText()).isEqualTo("bridge");
        assertThat(crm.tokensIssued()).isEqualTo(1);
    }

    @Test
    void basicClientAuth_isAccepted() {
        CrmSimulator crm = start();
        String basic = Base64.getEncoder().encodeToString("bridge:s3cret".getBytes(StandardCharsets.UTF_8));

        HttpResponse<String> response = send("POST", crm.tokenUrl(), "grant_type=client_credentials",
                "Content-Type", "application/x-www-form-urlencoded", "Authorization", "Basic " + basic);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    @Test
    void wrongSecret_isRejectedWith401InvalidClient() {
        CrmSimulator crm = start();

        HttpResponse<String> response =
                requestToken(crm, "grant_type=client_credentials&client_id=bridge&client_secret=nope");

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(json(response).get("error").asText()).isEqualTo("invalid_client");
        assertThat(crm.tokensIssued()).isZero();
    }

    @Test
    void wrongGrantType_isRejectedWith400() {
        CrmSimulator crm = start();

        HttpResponse<String> response =
                requestToken(crm, "grant_type=password&client_id=bridge&client_secret=s3cret");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response).get("error").asText()).isEqualTo("unsupported_grant_type");
    }

    @Test
    void expiresInVariants_areSentAsConfigured() {
        // Clients must cope with servers that quote the number or leave it out entirely.
        CrmSimulator quoted = start(CrmSimulator.builder().tokenLifetime(Duration.ofSeconds(30))
                .expiresInAsString(true));
        CrmSimulator omitted = start(CrmSimulator.builder().omitExpiresIn(true));
        String form = "grant_type=client_credentials&client_id=bridge&client_secret=s3cret";

        JsonNode quotedBody = json(requestToken(quoted, form));
        JsonNode omittedBody = json(requestToken(omitted, form));

        assertThat(quotedBody.get("expires_in").isTextual()).isTrue();
        assertThat(quotedBody.get("expires_in").asText()).isEqualTo("30");
        assertThat(omittedBody.has("expires_in")).isFalse();
        assertThat(jwtPayload(omittedBody.get("access_token").asText()).get("exp").asLong())
                .isEqualTo(START.getEpochSecond() + 3600);
    }

    @Test
    void expiredToken_isRejectedWith401AndCountedAsExpired() {
        CrmSimulator crm = start(CrmSimulator.builder().tokenLifetime(Duration.ofSeconds(60)));
        String token = token(crm);

        clock.advance(Duration.ofSeconds(59));
        HttpResponse<String> beforeExpiry = get(crm, token, "/0/odata/Account");
        clock.advance(Duration.ofSeconds(1));
        HttpResponse<String> atExpiry = get(crm, token, "/0/odata/Account");

        assertThat(beforeExpiry.statusCode()).isEqualTo(200);
        assertThat(atExpiry.statusCode()).as("now >= exp is expired").isEqualTo(401);
        assertThat(json(atExpiry).get("error").get("message").asText()).isEqualTo("Unauthorized");
        assertThat(json(atExpiry).get("error").get("code").asText()).isEmpty();
        assertThat(crm.expiredTokenRejections()).isEqualTo(1);
        assertThat(crm.unknownTokenRejections()).isZero();
    }

    @Test
    void missingOrForeignToken_isCountedAsUnknown() {
        CrmSimulator crm = start();
        CrmSimulator other = start();
        String foreign = token(other);

        HttpResponse<String> missing = send("GET", crm.baseUrl() + "/0/odata/Account", null);
        HttpResponse<String> fromOther = get(crm, foreign, "/0/odata/Account");

        assertThat(missing.statusCode()).isEqualTo(401);
        assertThat(fromOther.statusCode()).isEqualTo(401);
        assertThat(crm.unknownTokenRejections()).isEqualTo(2);
        assertThat(crm.expiredTokenRejections()).isZero();
    }

    @Test
    void keysetPaging_onModifiedOnAndId_visitsEveryOrderOnce() {
        // Orders sharing a ModifiedOn stamp are lost or repeated by paging on ModifiedOn alone.
        CrmSimulator crm = start();
        String token = token(crm);
        List<String> seen = new ArrayList<>();
        String lastStamp = null;
        String lastId = null;

        for (int page = 0; page < 100; page++) {
            String filter = lastStamp == null ? "" : "&$filter=" + encode("ModifiedOn gt " + lastStamp
                    + " or (ModifiedOn eq " + lastStamp + " and Id gt " + lastId + ")");
            HttpResponse<String> response = get(crm, token, "/0/odata/Order?$orderby="
                    + encode("ModifiedOn asc,Id asc") + "&$top=5&$select=Id,ModifiedOn,Number" + filter);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            JsonNode value = json(response).get("value");
            if (value.isEmpty()) {
                break;
            }
            for (JsonNode order : value) {
                seen.add(order.get("Id").asText());
            }
            JsonNode last = value.get(value.size() - 1);
            lastStamp = last.get("ModifiedOn").asText();
            lastId = last.get("Id").asText();
        }

        List<Instant> stamps = crm.orders().stream().map(o -> (Instant) o.get("ModifiedOn")).toList();
        assertThat(new HashSet<>(stamps)).as("seed data has a shared stamp").hasSizeLessThan(stamps.size());
        assertThat(seen).doesNotHaveDuplicates().hasSize(36);
        assertThat(seen).containsExactlyInAnyOrderElementsOf(
                crm.orders().stream().map(o -> o.get("Id").toString()).toList());
    }

    @Test
    void keysetPages_fromTheOrderIndex_matchAFullScan_atEveryCursor() {
        // The index answers only the exact keyset shape; adding Number to $orderby keeps the same order (Ids
        // are unique) but makes the simulator read every order, so each page has an independent answer.
        CrmSimulator crm = start(CrmSimulator.builder().data(SimulatorData.generate(11, 3, 6, 60, START)));
        String token = token(crm);
        clock.advance(Duration.ofSeconds(1));
        for (Map<String, Object> order : crm.orders().subList(0, 5)) {
            // Saved orders move to the end of the index, these five to one shared stamp.
            send("PATCH", crm.baseUrl() + "/0/odata/Order(" + order.get("Id") + ")",
                    "{\"UsrErpNumber\":\"9\"}", "Authorization", "Bearer " + token);
        }
        List<String> filters = new ArrayList<>(List.of("ModifiedOn ge " + START.minusSeconds(7 * 3600)));
        for (Map<String, Object> order : crm.orders()) {
            String stamp = order.get("ModifiedOn").toString();
            filters.add("ModifiedOn gt " + stamp + " or (ModifiedOn eq " + stamp + " and Id gt "
                    + order.get("Id") + ")");
            filters.add("ModifiedOn ge " + stamp);
        }

        for (String filter : filters) {
            for (String paging : List.of("&$top=7", "&$top=3&$skip=2")) {
                String query = "/0/odata/Order?$filter=" + encode(filter) + paging + "&$orderby=";
                JsonNode indexed = json(get(crm, token, query + encode("ModifiedOn asc,Id asc")));
                JsonNode scanned = json(get(crm, token, query + encode("ModifiedOn asc,Id asc,Number asc")));
                assertThat(indexed.get("value")).as(filter + paging).isNotNull()
                        .isEqualTo(scanned.get("value"));
            }
        }
    }

    @Test
    void linesOfSeveralOrders_comeFromOneQuery_inTheOrderAskedFor() {
        // The bridge reads the lines of a whole page of orders at once, by OrderId then Id, or by Id alone.
        CrmSimulator crm = start(CrmSimulator.builder().data(SimulatorData.generate(12, 3, 8, 20, 4, START)));
        String token = token(crm);
        List<UUID> orders = crm.orders().stream().map(o -> (UUID) o.get("Id")).toList().subList(3, 8);
        String filter = String.join(" or ", orders.stream().map(id -> "OrderId eq " + id).toList());
        List<Map<String, Object>> lines = new ArrayList<>();
        orders.forEach(id -> lines.addAll(crm.orderProducts(id)));
        String query = "/0/odata/OrderProduct?$filter=";

        JsonNode byOrder = json(get(crm, token, query + encode(filter) + "&$orderby="
                + encode("OrderId asc,Id asc") + "&$top=100"));
        JsonNode byIdSecondPage = json(get(crm, token, query + encode(filter) + "&$orderby="
                + encode("Id asc") + "&$top=6&$skip=6"));
        JsonNode bigOnes = json(get(crm, token, query + encode("(" + filter + ") and Quantity ge 5")
                + "&$orderby=" + encode("Id asc")));

        assertThat(lines).hasSize(20);
        assertThat(ids(byOrder)).containsExactlyElementsOf(lines.stream()
                .sorted(Comparator.comparing((Map<String, Object> l) -> l.get("OrderId").toString())
                        .thenComparing(l -> l.get("Id").toString()))
                .map(l -> l.get("Id").toString()).toList());
        assertThat(ids(byIdSecondPage)).containsExactlyElementsOf(
                lines.stream().map(l -> l.get("Id").toString()).sorted().skip(6).limit(6).toList());
        assertThat(ids(bigOnes)).containsExactlyElementsOf(lines.stream()
                .filter(l -> ((BigDecimal) l.get("Quantity")).compareTo(BigDecimal.valueOf(5)) >= 0)
                .map(l -> l.get("Id").toString()).sorted().toList());
    }

    private static List<String> ids(JsonNode collection) {
        List<String> ids = new ArrayList<>();
        collection.get("value").forEach(row -> ids.add(row.get("Id").asText()));
        return ids;
    }

    @Test
    void collection_hasContextAndSelectedFieldsInMillisecondUtc() {
        CrmSimulator crm = start();

        JsonNode body = json(get(crm, token(crm), "/0/odata/Order?$top=1&$select=Id,ModifiedOn"));

        assertThat(body.get("@odata.context").asText()).isEqualTo(crm.baseUrl() + "/0/odata/$metadata#Order");
        JsonNode first = body.get("value").get(0);
        assertThat(first.size()).isEqualTo(2);
        assertThat(first.get("ModifiedOn").asText())
                .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
    }

    @Test
    void filter_handlesQuotesNotParenthesesAndSpaceEncodings() {
        SimulatorData data = handMadeData();
        CrmSimulator crm = start(CrmSimulator.builder().data(data));
        String token = token(crm);
        String filter = "not (Name eq 'Müller GmbH') and (Code eq 'ACC-002' or Name eq 'O''Brien & Söhne')";

        JsonNode plus = json(get(crm, token, "/0/odata/Account?$filter=" + encode(filter)));
        JsonNode percent = json(get(crm, token, "/0/odata/Account?$filter="
                + encode(filter).replace("+", "%20")));

        assertThat(plus.get("value")).extracting(a -> a.get("Code").asText())
                .containsExactly("ACC-002", "ACC-003");
        assertThat(percent).isEqualTo(plus);
    }

    @Test
    void filter_comparesDateTimesAsInstantsWhateverTheOffsetForm() {
        CrmSimulator crm = start(CrmSimulator.builder().data(handMadeData()));
        String token = token(crm);

        JsonNode zulu = json(get(crm, token, "/0/odata/Order?$filter="
                + encode("ModifiedOn ge 2026-12-01T09:00:00Z")));
        JsonNode offset = json(get(crm, token, "/0/odata/Order?$filter="
                + encode("ModifiedOn ge 2026-12-01T10:00:00.000+01:00")));
        JsonNode later = json(get(crm, token, "/0/odata/Order?$filter="
                + encode("ModifiedOn gt 2026-12-01T09:30:00.000+00:00")));

        assertThat(zulu.get("value")).hasSize(1);
        assertThat(offset).isEqualTo(zulu);
        assertThat(later.get("value")).isEmpty();
    }

    @Test
    void unsupportedFilter_isRejectedWith400() {
        CrmSimulator crm = start();
        String token = token(crm);

        for (String filter : List.of("contains(Name,'x')", "Nope eq 1", "Name eq", "Code eq 'x' and",
                "Name eq 5", "(Code eq 'x'")) {
            HttpResponse<String> response = get(crm, token, "/0/odata/Account?$filter=" + encode(filter));
            assertThat(response.statusCode()).as(filter).isEqualTo(400);
            assertThat(json(response).get("error").get("message").asText()).as(filter).isNotBlank();
        }
    }

    @Test
    void singleEntity_isFoundOr404() {
        CrmSimulator crm = start(CrmSimulator.builder().data(handMadeData()));
        String token = token(crm);

        JsonNode order = json(get(crm, token, "/0/odata/Order(" + ORDER_ID + ")"));
        HttpResponse<String> missing = get(crm, token, "/0/odata/Order(" + UUID.randomUUID() + ")");

        assertThat(order.get("Number").asText()).isEqualTo("ORD-0001");
        assertThat(order.get("UsrErpNumber").isNull()).isTrue();
        assertThat(order.has("@odata.context")).isTrue();
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(json(missing).get("error").isObject()).isTrue();
    }

    @Test
    void patch_updatesFieldsAndBumpsModifiedOn() {
        CrmSimulator crm = start(CrmSimulator.builder().data(handMadeData()));
        String token = token(crm);
        clock.advance(Duration.ofMinutes(5).plusMillis(123));

        HttpResponse<String> patch = send("PATCH", crm.baseUrl() + "/0/odata/Order(" + ORDER_ID + ")",
                "{\"UsrErpNumber\":\"7\",\"UsrErpState\":\"quotation\"}",
                "Authorization", "Bearer " + token, "Content-Type", "application/json");

        assertThat(patch.statusCode()).isEqualTo(204);
        assertThat(patch.body()).isEmpty();
        JsonNode order = json(get(crm, token, "/0/odata/Order(" + ORDER_ID + ")"));
        assertThat(order.get("UsrErpNumber").asText()).isEqualTo("7");
        assertThat(order.get("ModifiedOn").asText()).isEqualTo("2026-12-01T10:05:00.123Z");
        assertThat(crm.order(ORDER_ID).get("UsrErpState")).isEqualTo("quotation");
    }

    @Test
    void patch_unknownFieldIs400_unknownIdIs404() {
        CrmSimulator crm = start(CrmSimulator.builder().data(handMadeData()));
        String token = token(crm);

        HttpResponse<String> badField = send("PATCH", crm.baseUrl() + "/0/odata/Order(" + ORDER_ID + ")",
                "{\"Colour\":\"red\"}", "Authorization", "Bearer " + token);
        String unknown = crm.baseUrl() + "/0/odata/Order(" + UUID.randomUUID() + ")";
        HttpResponse<String> badId = send("PATCH", unknown, "{\"UsrErpNumber\":\"1\"}",
                "Authorization", "Bearer " + token);

        assertThat(badField.statusCode()).isEqualTo(400);
        assertThat(badId.statusCode()).isEqualTo(404);
    }

    @Test
    void decimals_keepFullPrecisionThroughPatchAndRead() {
        CrmSimulator crm = start(CrmSimulator.builder().data(handMadeData()));
        String token = token(crm);
        UUID productId = handMadeData().products().get(0).id();

        send("PATCH", crm.baseUrl() + "/0/odata/Product(" + productId + ")",
                "{\"UsrStockQuantity\": 12.345678901234567890}", "Authorization", "Bearer " + token);
        HttpResponse<String> read = get(crm, token, "/0/odata/Product(" + productId + ")");

        assertThat(read.body()).contains("\"UsrStockQuantity\":12.345678901234567890");
        assertThat(crm.product("SKU-001").get("UsrStockQuantity"))
                .isEqualTo(new BigDecimal("12.345678901234567890"));
    }

    @Test
    void orderby_descAndSkip_pageFromTheEnd() {
        CrmSimulator crm = start();
        String token = token(crm);

        JsonNode page = json(get(crm, token, "/0/odata/Order?$orderby=" + encode("Number desc")
                + "&$skip=1&$top=2&$select=Number"));

        assertThat(page.get("value")).extracting(o -> o.get("Number").asText())
                .containsExactly("ORD-0035", "ORD-0034");
    }

    @Test
    void addOrder_isStampedWithClockNowAndFoundByFilter() {
        CrmSimulator crm = start();
        String token = token(crm);
        clock.advance(Duration.ofSeconds(10));

        SimulatorData.Order added = crm.addRandomOrder();
        JsonNode newer = json(get(crm, token, "/0/odata/Order?$filter=" + encode("ModifiedOn gt " + START)));

        assertThat(added.modifiedOn()).isEqualTo(START.plusSeconds(10));
        assertThat(added.number()).isEqualTo("ORD-0037");
        assertThat(newer.get("value")).extracting(o -> o.get("Id").asText())
                .containsExactly(added.id().toString());
        assertThat(crm.orderProducts(added.id())).hasSize(added.lines().size());
    }

    @Test
    void failNextRequests_answersCannedReplyThenRecovers() {
        CrmSimulator crm = start();
        String token = token(crm);
        crm.failNextRequests(2, 503, "text/html", "<html>maintenance</html>");

        HttpResponse<String> first = get(crm, token, "/0/odata/Account");
        HttpResponse<String> second = get(crm, token, "/0/odata/Account");
        HttpResponse<String> third = get(crm, token, "/0/odata/Account");

        assertThat(first.statusCode()).isEqualTo(503);
        assertThat(first.headers().firstValue("Content-Type")).hasValue("text/html");
        assertThat(second.body()).isEqualTo("<html>maintenance</html>");
        assertThat(third.statusCode()).isEqualTo(200);
    }

    @Test
    void unknownPaths_are404() {
        CrmSimulator crm = start();
        String token = token(crm);

        assertThat(get(crm, token, "/0/odata/Contact").statusCode()).isEqualTo(404);
        assertThat(get(crm, token, "/elsewhere").statusCode()).isEqualTo(404);
    }

    @Test
    void concurrentReaders_areAllServed() {
        CrmSimulator crm = start();
        String token = token(crm);

        List<CompletableFuture<Integer>> calls = IntStream.range(0, 24)
                .mapToObj(i -> CompletableFuture.supplyAsync(
                        () -> get(crm, token, "/0/odata/Order?$top=3").statusCode()))
                .toList();

        assertThat(calls).extracting(CompletableFuture::join).containsOnly(200);
    }

    @Test
    void seededProducts_startWithZeroStockInTheCrm() {
        CrmSimulator crm = start();

        Set<Object> stock =
                new HashSet<>(crm.products().stream().map(p -> p.get("UsrStockQuantity")).toList());

        assertThat(stock).containsExactly(BigDecimal.ZERO);
    }

    private static final UUID ACCOUNT_1 = UUID.fromString("00000000-0000-4000-8000-000000000001");
    private static final UUID ACCOUNT_2 = UUID.fromString("00000000-0000-4000-8000-000000000002");
    private static final UUID ACCOUNT_3 = UUID.fromString("00000000-0000-4000-8000-000000000003");
    private static final UUID PRODUCT_1 = UUID.fromString("00000000-0000-4000-8000-000000000011");
    private static final UUID ORDER_ID = UUID.fromString("00000000-0000-4000-8000-000000000021");
    private static final UUID LINE_ID = UUID.fromString("00000000-0000-4000-8000-000000000031");

    private static SimulatorData handMadeData() {
        return new SimulatorData(
                List.of(new SimulatorData.Account(ACCOUNT_1, "ACC-001", "Müller GmbH"),
                        new SimulatorData.Account(ACCOUNT_2, "ACC-002", "Dupont SA"),
                        new SimulatorData.Account(ACCOUNT_3, "ACC-003", "O'Brien & Söhne")),
                List.of(new SimulatorData.Product(PRODUCT_1, "SKU-001", "Schraube", new BigDecimal("0.10"),
                        new BigDecimal("500"))),
                List.of(new SimulatorData.Order(ORDER_ID, "ORD-0001", ACCOUNT_2, START.minusSeconds(1800),
                        List.of(new SimulatorData.OrderLine(LINE_ID, PRODUCT_1, new BigDecimal("3"),
                                new BigDecimal("0.10"))))));
    }
}
