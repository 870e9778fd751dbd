package io.crmbridge.sync;

import io.crmbridge.simulator.ErpSimulator;
import io.crmbridge.simulator.SimulatorData;
import io.crmbridge.testsupport.BridgeRuntime;
import io.crmbridge.testsupport.BridgeTest;
import io.crmbridge.testsupport.Simulators;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SyncPassTest extends BridgeTest {

    @Test
    void firstPass_createsEveryCrmOrderAsErpSale_withItsLines() {
        start(Simulators.start(folder));
        SimulatorData data = SimulatorData.generate(7L, 5, 12, 36, Simulators.START);

        PassSummary summary = bridge.runPass();

        assertThat(summary.ordersCreated()).as("orders created").isEqualTo(36);
        assertThat(summary.ordersFailed()).as("orders failed").isZero();
        assertThat(systems.erp.sales()).hasSize(36);
        for (SimulatorData.Order order : data.orders()) {
            ErpSimulator.Sale sale = systems.erp.saleByReference(order.id().toString()).orElseThrow();
            String accountCode = data.accounts().stream().filter(a -> a.id().equals(order.accountId()))
                    .findFirst().orElseThrow().code();
            assertThat(sale.partyCode()).as("party of " + order.number()).isEqualTo(accountCode);
            assertThat(sale.state()).as("state of " + order.number()).isEqualTo("quotation");
            assertThat(lineSummary(sale)).as("lines of " + order.number()).isEqualTo(lineSummary(order, data));
        }
    }

    @Test
    void firstPass_writesTheErpSaleNumberBackToTheCrmOrder() {
        start(Simulators.start(folder));

        bridge.runPass();

        for (ErpSimulator.Sale sale : systems.erp.sales()) {
            Map<String, Object> order = systems.crm.order(UUID.fromString(sale.reference()));
            assertThat(order.get("UsrErpNumber")).as("ERP number on CRM order " + order.get("Number"))
                    .isEqualTo(sale.number());
            assertThat(order.get("UsrErpState")).isEqualTo("quotation");
        }
    }

    @Test
    void writeBackWithoutBatch_plainPatchPerOrder_givesTheSameOrders() {
        systems = Simulators.start(folder);
        // For a CRM without OData $batch: one PATCH per order.
        startBridgeWith(Map.of("bridge.crm.batch-size", "1"));

        PassSummary summary = bridge.runPass();

        assertThat(summary.ordersCreated()).isEqualTo(36);
        assertThat(systems.crm.orders()).allSatisfy(order ->
                assertThat(order.get("UsrErpNumber")).as("ERP number of " + order.get("Number")).isNotNull());
    }

    @Test
    void secondPass_createsNoDuplicate_andSyncsOnlyNewOrders() {
        start(Simulators.start(folder));
        bridge.runPass();

        systems.clock.advance(Duration.ofSeconds(10));
        SimulatorData.Order added = systems.crm.addRandomOrder();
        PassSummary second = bridge.runPass();

        assertThat(second.ordersCreated()).as("orders created in the second pass").isEqualTo(1);
        assertThat(second.ordersFailed()).isZero();
        assertThat(systems.erp.sales()).hasSize(37);
        assertThat(systems.erp.saleByReference(added.id().toString())).isPresent();
        assertThat(systems.erp.sales().stream().map(ErpSimulator.Sale::reference).distinct().count())
                .as("distinct references").isEqualTo(37);
    }

    @Test
    void restartedBridge_resumesFromTheSavedWatermark() throws Exception {
        start(Simulators.start(folder));
        bridge.runPass();
        bridge.close();
        assertThat(Files.readString(systems.watermarkFile())).as("saved watermark").contains("modifiedOn");

        bridge = BridgeRuntime.start(systems.properties(), systems.beans());
        PassSummary again = bridge.runPass();

        assertThat(again.ordersCreated()).isZero();
        assertThat(systems.erp.sales()).hasSize(36);
    }

    @Test
    void stock_reachesTheCrm_andOnlyChangedQuantitiesAreWritten() {
        start(Simulators.start(folder));

        PassSummary first = bridge.runPass();
        assertThat(first.stockUpdated()).as("products updated in the first pass").isEqualTo(12);
        for (Map<String, Object> product : systems.crm.products()) {
            String code = (String) product.get("Code");
            assertThat((BigDecimal) product.get("UsrStockQuantity")).as("CRM stock of " + code)
                    .isEqualByComparingTo(systems.erp.stockQuantity(code));
        }

        // The CRM stamps ModifiedOn on every save, so unchanged stamps prove that no PATCH was sent.
        systems.clock.advance(Duration.ofSeconds(5));
        Map<String, Object> savedAfterFirst = productsModifiedOn();
        PassSummary unchanged = bridge.runPass();
        assertThat(unchanged.stockUpdated()).as("products updated with no stock change").isZero();
        assertThat(productsModifiedOn()).as("CRM products saved with no stock change").isEqualTo(savedAfterFirst);

        String changed = (String) systems.crm.products().get(3).get("Code");
        systems.erp.setStockQuantity(changed, new BigDecimal("12.345678901234567890"));
        systems.clock.advance(Duration.ofSeconds(5));
        PassSummary second = bridge.runPass();

        assertThat(second.stockUpdated()).as("products updated after one stock change").isEqualTo(1);
        assertThat(systems.crm.product(changed).get("UsrStockQuantity").toString())
                .isEqualTo("12.345678901234567890");
        Map<String, Object> savedAfterChange = productsModifiedOn();
        assertThat(savedAfterChange.keySet().stream().filter(code -> !savedAfterChange.get(code)
                .equals(savedAfterFirst.get(code)))).as("CRM products saved after one stock change")
                .containsExactly(changed);
    }

    @Test
    void refusedErpLogin_stopsEachFlowAtOnce_withOneLoginAttemptPerFlow() {
        systems = Simulators.start(folder);
        startBridgeWith(Map.of("bridge.erp.auth.password", "not-the-password"));

        PassSummary summary = bridge.runPass();

        // A refused login fails every order alike: trying it once per order, or once per flow, would hammer
        // the ERP's login; the second flow fails at once while the ERP login waits after the failure.
        assertThat(systems.erp.refusedLogins()).as("ERP login attempts").isEqualTo(1);
        assertThat(summary.ordersFailed()).as("orders.failed for the stopped flow").isEqualTo(1);
        assertThat(summary.stockFailed()).as("stock.failed for the stopped flow").isEqualTo(1);
        assertThat(summary.succeeded()).isFalse();
        assertThat(systems.erp.sales()).isEmpty();
        assertThat(systems.watermarkFile()).doesNotExist();
    }

    @Test
    void orderWithoutModifiedOn_failsAlone_andTheOthersOfThePageAreSynced() {
        start(Simulators.start(SimulatorData.generate(7L, 2, 3, 2, Simulators.START), Duration.ofSeconds(30),
                Duration.ofSeconds(30), folder));
        Map<String, Object> good = systems.crm.orders().get(0);
        String page = "{\"value\":[{\"Id\":\"" + good.get("Id") + "\",\"Number\":\"" + good.get("Number")
                + "\",\"AccountId\":\"" + good.get("AccountId") + "\",\"ModifiedOn\":\"" + good.get("ModifiedOn")
                + "\"},{\"Id\":\"" + UUID.randomUUID() + "\",\"Number\":\"ORD-NO-STAMP\",\"AccountId\":\""
                + good.get("AccountId") + "\"}]}";
        systems.crm.failNextRequests(1, 200, "application/json", page);

        PassSummary summary = bridge.runPass();

        assertThat(systems.erp.saleByReference(good.get("Id").toString())).as("the good order").isPresent();
        assertThat(summary.ordersFailed()).as("orders failed").isEqualTo(1);
        assertThat(summary.ordersCreated()).as("orders created").isEqualTo(1);
    }

    @Test
    @Timeout(30)
    void pageSizeOrBatchSizeOutOfRange_failsAtStart_namingTheSetting() {
        systems = Simulators.start(folder);
        for (String[] setting : new String[][] {{"bridge.crm.page-size", "0"}, {"bridge.crm.batch-size", "101"}}) {
            Map<String, String> properties = new HashMap<>(systems.properties());
            properties.put(setting[0], setting[1]);

            // Read at start, before a pass could create a sale and then fail on the setting.
            assertThatThrownBy(() -> BridgeRuntime.start(properties, systems.beans()))
                    .hasStackTraceContaining("Setting " + setting[0] + " must be between 1 and");
        }
        assertThat(systems.erp.sales()).isEmpty();
    }

    private Map<String, Object> productsModifiedOn() {
        return systems.crm.products().stream().collect(Collectors.toMap(p -> (String) p.get("Code"),
                p -> p.get("ModifiedOn")));
    }

    private void start(Simulators simulators) {
        systems = simulators;
        bridge = BridgeRuntime.start(systems.properties(), systems.beans());
    }

    private static String lineSummary(ErpSimulator.Sale sale) {
        return sale.lines().stream()
                .map(line -> line.productCode() + " x " + line.quantity().stripTrailingZeros().toPlainString()
                        + " @ " + line.unitPrice().stripTrailingZeros().toPlainString())
                .sorted().collect(Collectors.joining(", "));
    }

    private static String lineSummary(SimulatorData.Order order, SimulatorData data) {
        return order.lines().stream()
                .map(line -> data.products().stream().filter(p -> p.id().equals(line.productId())).findFirst()
                        .orElseThrow().code() + " x " + line.quantity().stripTrailingZeros().toPlainString()
                        + " @ " + line.price().stripTrailingZeros().toPlainString())
                .sorted().collect(Collectors.joining(", "));
    }
}
