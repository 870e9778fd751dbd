package io.crmbridge.sync;

import com.fasterxml.jackson.databind.JsonNode;
import io.crmbridge.BridgeNames;
import io.crmbridge.Json;
import io.crmbridge.simulator.SimulatorData;
import io.crmbridge.testsupport.BridgeRuntime;
import io.crmbridge.testsupport.BridgeTest;
import io.crmbridge.testsupport.Simulators;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Orders that cannot be synced wait in the dead-letter file, and a replay syncs them once the cause is fixed. */
class DeadLetterTest extends BridgeTest {

    private static final String CODE = "SKU-001";


    @Test
    void orderTheErpRefuses_isDeadLettered_andTheRestOfItsPageIsCreated() throws IOException {
        SimulatorData.Order refused = startWithOneOrderOf(CODE);
        systems.erp.setSalable(CODE, false);

        PassSummary summary = bridge.runPass();

        // The page's sales go to the ERP in one create; the ERP refusing it must cost only the faulty order.
        assertThat(summary.ordersCreated()).as("orders created").isEqualTo(36);
        assertThat(summary.ordersFailed()).as("orders failed").isEqualTo(1);
        assertThat(systems.erp.saleByReference(refused.id().toString())).isEmpty();
        List<JsonNode> letters = deadLetters();
        assertThat(letters).hasSize(1);
        JsonNode letter = letters.get(0);
        assertThat(letter.path("system").asText()).isEqualTo("crm");
        assertThat(letter.path("entity").asText()).isEqualTo("Order");
        assertThat(letter.path("recordId").asText()).isEqualTo(refused.id().toString());
        assertThat(letter.path("reason").asText()).startsWith("ERP refused creating the sale for CRM order "
                + refused.id()).contains("Product");
        assertThat(letter.path("attempts").asInt()).isEqualTo(1);
        assertThat(Instant.parse(letter.path("time").asText())).isEqualTo(systems.clock.instant());
    }

    @Test
    void deadLetteredOrder_doesNotHoldTheWatermark_andIsNotRetriedOnEveryPass() throws IOException {
        SimulatorData.Order refused = deadLetterOneOrder();

        PassSummary next = bridge.runPass();

        assertThat(Files.readString(systems.watermarkFile())).as("watermark").isNotBlank();
        assertThat(next.ordersFailed()).as("orders failed on the next pass").isZero();
        assertThat(deadLetters()).singleElement()
                .satisfies(letter -> assertThat(letter.path("attempts").asInt()).isEqualTo(1));
        assertThat(systems.erp.saleByReference(refused.id().toString())).isEmpty();
    }

    @Test
    void replay_afterTheCauseIsFixed_createsTheSaleOnce_andEmptiesTheDeadLetters() throws IOException {
        SimulatorData.Order refused = deadLetterOneOrder();
        systems.erp.setSalable(CODE, true);

        PassSummary replay = replay();

        assertThat(replay.ordersCreated()).as("orders created by the replay").isEqualTo(1);
        assertThat(replay.succeeded()).isTrue();
        assertThat(deadLetters()).isEmpty();
        assertThat(systems.erp.sales().stream().filter(sale -> sale.reference().equals(refused.id().toString())))
                .hasSize(1);
        assertThat(systems.crm.order(refused.id()).get("UsrErpNumber"))
                .isEqualTo(systems.erp.saleByReference(refused.id().toString()).orElseThrow().number());
        assertThat(replay().ordersCreated()).as("a second replay").isZero();
    }

    @Test
    void replay_whileTheCauseRemains_keepsTheDeadLetter_withOneMoreAttempt() throws IOException {
        deadLetterOneOrder();

        PassSummary replay = replay();

        assertThat(replay.succeeded()).isFalse();
        assertThat(replay.ordersFailed()).isEqualTo(1);
        assertThat(deadLetters()).singleElement()
                .satisfies(letter -> assertThat(letter.path("attempts").asInt()).isEqualTo(2));
    }

    @Test
    void unreadableDeadLetterFile_failsTheReplay_namingTheFileAndLine() throws IOException {
        startWithOneOrderOf(CODE);
        Files.writeString(systems.deadLetterFile(), "{\"system\":\"crm\"}\n");

        PassSummary replay = replay();

        assertThat(replay.succeeded()).isFalse();
        assertThatThrownBy(() -> new DeadLetters(systems.deadLetterFile(), systems.clock).size())
                .hasMessageContaining("Line 1 of the dead-letter file " + systems.deadLetterFile())
                .hasMessageContaining("entity, recordId, time");
    }

    @Test
    void replay_ofADeadLetterWhoseIdIsNoGuid_keepsIt_andStillReplaysTheOthers() throws IOException {
        SimulatorData.Order refused = deadLetterOneOrder();
        systems.erp.setSalable(CODE, true);
        // A hand-edited or foreign line: its id cannot be put in an OData URL.
        Files.writeString(systems.deadLetterFile(), "{\"system\":\"crm\",\"entity\":\"Order\",\"recordId\":"
                + "\"NO-ID (without Id)\",\"reason\":\"r\",\"attempts\":1,\"time\":\"2026-12-04T08:00:00Z\"}\n",
                java.nio.file.StandardOpenOption.APPEND);
        bridge.close();
        bridge = BridgeRuntime.start(systems.properties(), systems.beans());

        PassSummary replay = replay();

        assertThat(systems.erp.saleByReference(refused.id().toString())).as("the fixable order's sale").isPresent();
        assertThat(replay.ordersCreated()).isEqualTo(1);
        assertThat(deadLetters()).singleElement().satisfies(letter -> {
            assertThat(letter.path("recordId").asText()).isEqualTo("NO-ID (without Id)");
            assertThat(letter.path("attempts").asInt()).isEqualTo(2);
            assertThat(letter.path("reason").asText()).contains("is not a GUID");
        });
    }

    @Test
    void damagedDeadLetterFile_stopsThePassBeforeTheErpIsChanged() throws IOException {
        startWithOneOrderOf(CODE);
        Files.writeString(systems.deadLetterFile(), "{\"system\":\"crm\",\"entity\":\"Order\"\n");

        PassSummary summary = bridge.runPass();

        assertThat(summary.flowsFailed()).as("flows stopped").isEqualTo(1);
        assertThat(systems.erp.sales()).as("ERP sales").isEmpty();
        assertThat(systems.watermarkFile()).doesNotExist();
    }

    /** Starts the simulators on the usual data plus one order of a single line of {@code code}. */
    /** Starts with one order of a product the ERP will not sell, and syncs it once: it goes to the dead letters. */
    @Test
    void createRefusedWith4xx_isMadeOneByOne_andOnlyTheRefusedOrderIsDeadLettered() throws IOException {
        systems = Simulators.start(SimulatorData.generate(5L, 3, 6, 5, Simulators.START), Duration.ofMinutes(10),
                Duration.ofMinutes(10), folder);
        startBridgeWith(Map.of("bridge.crm.page-size", "5"));
        // A proxy in front of the ERP refuses the page's create, then the first order's own
        systems.erp.refuseNextCalls("model.sale.sale.create", 2, 422);

        PassSummary pass = bridge.runPass();

        assertThat(pass.flowsFailed()).as("flows stopped").isZero();
        assertThat(pass.ordersCreated()).as("orders created").isEqualTo(4);
        assertThat(pass.ordersFailed()).as("orders failed").isEqualTo(1);
        assertThat(Files.readAllLines(systems.deadLetterFile())).as("dead letters").singleElement().asString()
                .contains("HTTP 422");
    }

    @Test
    void orderAnsweredWithoutId_stopsTheFlowBeforeItsPage_andTheNextPassSyncsIt() {
        systems = Simulators.start(folder);
        startBridgeWith(Map.of());
        bridge.runPass();
        systems.clock.advance(Duration.ofSeconds(1));
        SimulatorData.Order added = systems.crm.addRandomOrder();
        // One broken answer, as from a proxy in between: the new order without its Id
        systems.crm.failNextRequests(1, 200, "application/json", "{\"value\":[{\"Number\":\"" + added.number()
                + "\",\"ModifiedOn\":\"" + added.modifiedOn() + "\",\"AccountId\":\"" + added.accountId()
                + "\"}]}");

        PassSummary broken = bridge.runPass();
        PassSummary next = bridge.runPass();

        assertThat(broken.flowsFailed()).as("flows failed by the broken answer").isEqualTo(1);
        assertThat(broken.ordersFailed()).as("orders.failed of the broken pass").isEqualTo(1);
        assertThat(systems.deadLetterFile()).as("dead-letter file").doesNotExist();
        assertThat(next.ordersCreated()).as("orders created by the next pass").isEqualTo(1);
        assertThat(systems.erp.saleByReference(added.id().toString())).as("ERP sale of " + added.number())
                .isPresent();
    }

    private SimulatorData.Order deadLetterOneOrder() {
        SimulatorData.Order refused = startWithOneOrderOf(CODE);
        systems.erp.setSalable(CODE, false);
        bridge.runPass();
        return refused;
    }

    private SimulatorData.Order startWithOneOrderOf(String code) {
        SimulatorData data = SimulatorData.generate(7L, 5, 12, 36, Simulators.START);
        SimulatorData.Product product = data.products().stream().filter(p -> p.code().equals(code)).findFirst()
                .orElseThrow();
        SimulatorData.Order order = new SimulatorData.Order(UUID.randomUUID(), "ORD-REFUSED",
                data.accounts().get(0).id(), Simulators.START.minusSeconds(30), List.of(new SimulatorData.OrderLine(
                UUID.randomUUID(), product.id(), BigDecimal.ONE, BigDecimal.TEN)));
        List<SimulatorData.Order> orders = new ArrayList<>(data.orders().stream()
                .filter(o -> o.lines().stream().noneMatch(line -> line.productId().equals(product.id()))).toList());
        orders.add(order);
        while (orders.size() < 37) {
            orders.add(new SimulatorData.Order(UUID.randomUUID(), "ORD-X" + orders.size(), data.accounts().get(1).id(),
                    Simulators.START.minusSeconds(orders.size()), List.of(new SimulatorData.OrderLine(
                    UUID.randomUUID(), data.products().get(1).id(), BigDecimal.ONE, BigDecimal.ONE))));
        }
        systems = Simulators.start(new SimulatorData(data.accounts(), data.products(), orders),
                java.time.Duration.ofMinutes(30), java.time.Duration.ofMinutes(30), folder);
        startBridgeWith(Map.of("bridge.crm.page-size", "50"));
        return order;
    }

    private PassSummary replay() {
        return bridge.template().requestBody(BridgeNames.REPLAY_ENDPOINT, null, PassSummary.class);
    }

    private List<JsonNode> deadLetters() throws IOException {
        if (!Files.exists(systems.deadLetterFile())) {
            return List.of();
        }
        return Files.readAllLines(systems.deadLetterFile()).stream().filter(line -> !line.isBlank())
                .map(line -> Json.tryParse(line).orElseThrow()).toList();
    }
}
