package io.crmbridge.sync;

import io.crmbridge.simulator.ErpSimulator;
import io.crmbridge.simulator.SimulatorData;
import io.crmbridge.testsupport.BridgeTest;
import io.crmbridge.testsupport.Simulators;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A system failing for a moment costs a redelivery, never an order and never a second sale. */
class RedeliveryTest extends BridgeTest {

    private static final String UNAVAILABLE = "<html><body><h1>503 Service Unavailable</h1></body></html>";


    @Test
    void erpAnswering503_isRedelivered_andEveryNewOrderIsCreatedOnce() {
        start(3);
        List<SimulatorData.Order> added = addOrders(5);
        systems.erp.failNextRequests(2, 503, "text/html", UNAVAILABLE);

        PassSummary summary = bridge.runPass();

        assertThat(summary.ordersCreated()).as("orders created").isEqualTo(5);
        assertThat(summary.succeeded()).as("pass succeeded").isTrue();
        assertCreatedOnce(added);
    }

    @Test
    void crmAnswering502_whileReadingOrders_isRedelivered() {
        start(3);
        List<SimulatorData.Order> added = addOrders(5);
        systems.crm.failNextRequests(3, 502, "text/html", "<html>Bad Gateway</html>");

        PassSummary summary = bridge.runPass();

        assertThat(summary.succeeded()).as("pass succeeded").isTrue();
        assertCreatedOnce(added);
    }

    @Test
    void failureOutlastingTheRedeliveries_stopsTheFlow_holdsTheWatermark_andTheNextPassCatchesUp() throws Exception {
        start(2);
        List<SimulatorData.Order> added = addOrders(5);
        String watermark = Files.readString(systems.watermarkFile());
        systems.erp.failNextRequests(3, 503, "text/html", UNAVAILABLE);

        PassSummary failed = bridge.runPass();

        assertThat(failed.flowsFailed()).as("flows stopped").isEqualTo(1);
        assertThat(Files.readString(systems.watermarkFile())).as("watermark").isEqualTo(watermark);
        assertThat(systems.deadLetterFile()).as("a transient failure is no dead letter").doesNotExist();

        PassSummary next = bridge.runPass();

        assertThat(next.ordersCreated()).as("orders created by the next pass").isEqualTo(5);
        assertCreatedOnce(added);
    }

    /** Starts the bridge with near-zero redelivery delays, syncs the initial orders and logs in to both systems. */
    private void start(int redeliveries) {
        systems = Simulators.start(folder);
        startBridgeWith(Map.of("bridge.sync.redeliveries", String.valueOf(redeliveries),
                "bridge.sync.redelivery-delay", "1"));
        assertThat(bridge.runPass().succeeded()).as("first pass").isTrue();
    }

    private List<SimulatorData.Order> addOrders(int count) {
        List<SimulatorData.Order> added = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            systems.clock.advance(Duration.ofSeconds(1));
            added.add(systems.crm.addRandomOrder());
        }
        return added;
    }

    private void assertCreatedOnce(List<SimulatorData.Order> orders) {
        for (SimulatorData.Order order : orders) {
            List<ErpSimulator.Sale> sales = systems.erp.sales().stream()
                    .filter(sale -> sale.reference().equals(order.id().toString())).toList();
            assertThat(sales).as("ERP sales of CRM order " + order.number()).hasSize(1);
        }
        assertThat(systems.erp.sales()).as("all ERP sales").hasSize(36 + orders.size());
    }
}
