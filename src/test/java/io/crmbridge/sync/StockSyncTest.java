package io.crmbridge.sync;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.crmbridge.simulator.SimulatorData;
import io.crmbridge.testsupport.BridgeRuntime;
import io.crmbridge.testsupport.BridgeTest;
import io.crmbridge.testsupport.Simulators;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** The stock flow: which ERP locations are counted, and products that exist on one side only. */
class StockSyncTest extends BridgeTest {

    /** Four products, SKU-001 to SKU-004, and no orders, so each pass does stock work only. */
    private static final SimulatorData BOTH_SIDES = SimulatorData.generate(7L, 1, 4, 0, Simulators.START);

    private final ListAppender<ILoggingEvent> events = new ListAppender<>();

    @BeforeEach
    void listen() {
        events.start();
        for (String logger : List.of(InventoryErpToCrm.class.getName(), "io.crmbridge.sync.summary")) {
            ((Logger) LoggerFactory.getLogger(logger)).addAppender(events);
        }
    }

    @AfterEach
    void stop() {
        for (String logger : List.of(InventoryErpToCrm.class.getName(), "io.crmbridge.sync.summary")) {
            ((Logger) LoggerFactory.getLogger(logger)).detachAppender(events);
        }
    }

    @Test
    void stockLocationsSetting_decidesWhichErpLocationsAreCounted() {
        systems = Simulators.start(BOTH_SIDES, BOTH_SIDES, folder);
        systems.erp.setStockQuantity("SKU-001", new BigDecimal("10"));
        systems.erp.setShopQuantity("SKU-001", new BigDecimal("2.5"));
        systems.erp.setStockQuantity("SKU-002", new BigDecimal("7"));

        bridge = BridgeRuntime.start(withSetting("bridge.erp.stock-locations", "STO, SHOP"), systems.beans());
        bridge.runPass();

        assertThat(crmStock("SKU-001")).as("SKU-001 counted in STO and SHOP").isEqualByComparingTo("12.5");
        assertThat(crmStock("SKU-002")).as("SKU-002, nothing on the shop floor").isEqualByComparingTo("7");

        bridge.close();
        bridge = BridgeRuntime.start(withSetting("bridge.erp.stock-locations", "SHOP"), systems.beans());
        bridge.runPass();

        assertThat(crmStock("SKU-001")).as("SKU-001 counted in SHOP alone").isEqualByComparingTo("2.5");
        assertThat(crmStock("SKU-002")).as("SKU-002 counted in SHOP alone").isEqualByComparingTo("0");
    }

    @Test
    void stockLocationsNamingNoCode_stopTheStart_andWriteNoQuantity() {
        // No location would count every product's stock as 0 and write that to the CRM
        systems = Simulators.start(BOTH_SIDES, BOTH_SIDES, folder);
        BigDecimal before = crmStock("SKU-001");
        systems.erp.setStockQuantity("SKU-001", before.add(BigDecimal.TEN));

        Throwable error = catchThrowable(() -> BridgeRuntime.start(withSetting("bridge.erp.stock-locations", " , "),
                systems.beans()));

        assertThat(error).as("start-up error").isNotNull().rootCause()
                .hasMessage("Setting bridge.erp.stock-locations names no stock location code: ','");
        assertThat(crmStock("SKU-001")).as("SKU-001 in the CRM").isEqualByComparingTo(before);
    }

    @Test
    void oneSidedProducts_areReportedOnce_andAgainOnlyAfterLosingTheirMatchAgain() {
        startWithOneSidedProducts();

        Pass first = runPass();
        assertThat(first.summary.stockOneSided()).as("stock.one-sided of the first pass").isEqualTo(2);
        assertThat(first.warnings).as("warnings of the first pass").hasSize(2)
                .anySatisfy(line -> assertThat(line).contains("ERP product SKU-004", "create it in the CRM"))
                .anySatisfy(line -> assertThat(line).contains("CRM Product SKU-CRM-ONLY",
                        "create the product in the ERP"));
        assertThat(first.summary.succeeded()).as("a one-sided product is no failure").isTrue();

        Pass second = runPass();
        assertThat(second.summary.stockOneSided()).as("stock.one-sided of the second pass").isZero();
        assertThat(second.warnings).as("warnings of the second pass").isEmpty();

        systems.crm.addProduct(erpProduct("SKU-004"));
        Pass matched = runPass();
        assertThat(matched.warnings).as("warnings once SKU-004 is in the CRM").isEmpty();
        assertThat(crmStock("SKU-004")).as("stock of the added CRM product")
                .isEqualByComparingTo(systems.erp.stockQuantity("SKU-004"));

        systems.crm.removeProduct("SKU-004");
        Pass removed = runPass();
        assertThat(removed.summary.stockOneSided()).as("stock.one-sided once SKU-004 is gone again")
                .isEqualTo(1);
        assertThat(removed.warnings).as("warnings once SKU-004 is gone again").singleElement().asString()
                .contains("ERP product SKU-004");

        assertThat(runPass().warnings).as("warnings of the pass after that").isEmpty();
    }

    @Test
    void restartedBridge_doesNotReportTheSameOneSidedProductsAgain() throws Exception {
        startWithOneSidedProducts();
        assertThat(runPass().warnings).as("warnings before the restart").hasSize(2);
        bridge.close();

        bridge = BridgeRuntime.start(systems.properties(), systems.beans());
        Pass afterRestart = runPass();

        assertThat(afterRestart.warnings).as("warnings after the restart").isEmpty();
        assertThat(afterRestart.summary.stockOneSided()).as("stock.one-sided after the restart").isZero();
        assertThat(Files.readString(systems.oneSidedFile())).as("saved one-sided products")
                .contains("erp-only:SKU-004", "crm-only:SKU-CRM-ONLY");

        // The file is what carries the memory over: without it a restart reports everything again.
        bridge.close();
        Files.delete(systems.oneSidedFile());
        bridge = BridgeRuntime.start(systems.properties(), systems.beans());
        assertThat(runPass().warnings).as("warnings after a restart without the file").hasSize(2);
    }

    @Test
    void productsWithoutCode_areReportedOnce_andTheOthersAreStillSynced() {
        SimulatorData.Product erpNameless = new SimulatorData.Product(UUID.randomUUID(), "", "Ohne Code ERP",
                BigDecimal.TEN, new BigDecimal("3"));
        SimulatorData.Product crmNameless = new SimulatorData.Product(UUID.randomUUID(), "", "Ohne Code CRM",
                BigDecimal.TEN, BigDecimal.ZERO);
        start(with(BOTH_SIDES, crmNameless), with(BOTH_SIDES, erpNameless));
        for (String code : List.of("SKU-001", "SKU-002", "SKU-003", "SKU-004")) {
            systems.erp.setStockQuantity(code, new BigDecimal("5"));
        }

        Pass first = runPass();

        assertThat(first.warnings).as("warnings of the first pass").hasSize(2)
                .anySatisfy(line -> assertThat(line).contains("ERP product 5 'Ohne Code ERP'", "has no code"))
                .anySatisfy(line -> assertThat(line).contains("CRM Product 'Ohne Code CRM' (" + crmNameless.id()
                        + ") has no Code"));
        assertThat(first.summary.stockUpdated()).as("products with a code updated").isEqualTo(4);
        assertThat(first.summary.stockFailed()).as("stock.failed").isZero();
        assertThat(runPass().warnings).as("warnings of the second pass").isEmpty();
    }

    @Test
    void twoErpProductsUnderOneCode_orOneWithoutAQuantity_failThatCrmProductOnce_andLeaveItsStock() {
        start(BOTH_SIDES, BOTH_SIDES);
        for (String code : List.of("SKU-001", "SKU-002", "SKU-003", "SKU-004")) {
            systems.erp.setStockQuantity(code, new BigDecimal("5"));
        }
        int twin = systems.erp.addProduct("SKU-002", "Entered twice", new BigDecimal("1"));
        int unknown = systems.erp.addProduct("SKU-NO-QTY", "Stock unknown", null);
        systems.crm.addProduct(new SimulatorData.Product(UUID.randomUUID(), "SKU-NO-QTY", "Stock unknown",
                BigDecimal.TEN, BigDecimal.ZERO));
        Object twinBefore = systems.crm.product("SKU-002").get("UsrStockQuantity");

        Pass pass = runPass();

        String sku2 = "CRM product SKU-002 (" + systems.crm.product("SKU-002").get("Id") + ") stock not updated: ";
        String noQty = "CRM product SKU-NO-QTY (" + systems.crm.product("SKU-NO-QTY").get("Id")
                + ") stock not updated: ";
        assertThat(pass.errors).as("errors").containsExactlyInAnyOrder(
                sku2 + "the ERP has 2 salable products with code SKU-002 (ids 2, " + twin + ")",
                noQty + "ERP product SKU-NO-QTY (" + unknown + ") has a quantity that is not a number: null");
        assertThat(pass.summary.stockFailed()).as("stock.failed").isEqualTo(2);
        assertThat(pass.summary.stockUpdated()).as("the other products updated").isEqualTo(3);
        assertThat(systems.crm.product("SKU-002").get("UsrStockQuantity")).as("SKU-002 in the CRM")
                .isEqualTo(twinBefore);
    }

    @Test
    void unreadableOneSidedFile_failsTheStockFlow_withAnErrorNamingTheFile() throws Exception {
        startWithOneSidedProducts();
        Files.writeString(systems.oneSidedFile(), "not json");

        Pass pass = runPass();

        assertThat(pass.summary.stockFailed()).as("stock.failed").isEqualTo(1);
        assertThat(pass.errors).as("errors").singleElement().asString()
                .contains(systems.oneSidedFile().toString(), "fix or delete it");
        assertThat(Files.readString(systems.oneSidedFile())).as("the file is left for a person")
                .isEqualTo("not json");
    }

    /** SKU-004 is in the ERP only, SKU-CRM-ONLY in the CRM only. */
    private void startWithOneSidedProducts() {
        List<SimulatorData.Product> crmProducts = new ArrayList<>(BOTH_SIDES.products().subList(0, 3));
        crmProducts.add(new SimulatorData.Product(UUID.randomUUID(), "SKU-CRM-ONLY", "Nur im CRM",
                BigDecimal.TEN, BigDecimal.ZERO));
        start(new SimulatorData(BOTH_SIDES.accounts(), crmProducts, List.of()), BOTH_SIDES);
    }

    private void start(SimulatorData crmData, SimulatorData erpData) {
        systems = Simulators.start(crmData, erpData, folder);
        bridge = BridgeRuntime.start(systems.properties(), systems.beans());
    }

    private Map<String, String> withSetting(String name, String value) {
        Map<String, String> properties = new HashMap<>(systems.properties());
        properties.put(name, value);
        return properties;
    }

    private static SimulatorData with(SimulatorData data, SimulatorData.Product extra) {
        List<SimulatorData.Product> products = new ArrayList<>(data.products());
        products.add(extra);
        return new SimulatorData(data.accounts(), products, data.orders());
    }

    private static SimulatorData.Product erpProduct(String code) {
        return BOTH_SIDES.products().stream().filter(p -> p.code().equals(code)).findFirst().orElseThrow();
    }

    private BigDecimal crmStock(String code) {
        return (BigDecimal) systems.crm.product(code).get("UsrStockQuantity");
    }

    private Pass runPass() {
        events.list.clear();
        PassSummary summary = bridge.runPass();
        return new Pass(summary, messages(Level.WARN), messages(Level.ERROR));
    }

    private List<String> messages(Level level) {
        return events.list.stream().filter(event -> event.getLevel() == level)
                .map(ILoggingEvent::getFormattedMessage).toList();
    }

    /** What one pass counted and the warning and error lines it logged. */
    private record Pass(PassSummary summary, List<String> warnings, List<String> errors) {
    }
}
