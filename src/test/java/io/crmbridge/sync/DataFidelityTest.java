package io.crmbridge.sync;

import io.crmbridge.simulator.ErpSimulator;
import io.crmbridge.simulator.SimulatorData;
import io.crmbridge.testsupport.BridgeRuntime;
import io.crmbridge.testsupport.BridgeTest;
import io.crmbridge.testsupport.Simulators;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** What leaves the CRM arrives in the ERP digit for digit, however many lines an order has. */
class DataFidelityTest extends BridgeTest {

    @Test
    void decimals_keepEveryDigit_fromCrmLineToErpSaleLine() {
        BigDecimal precise = new BigDecimal("12.345678901234567890");
        SimulatorData base = SimulatorData.generate(7L, 1, 2, 0, Simulators.START);
        SimulatorData.Order order = new SimulatorData.Order(UUID.randomUUID(), "ORD-PRÄZISION",
                base.accounts().get(0).id(), Simulators.START.minusSeconds(60), List.of(new SimulatorData.OrderLine(
                UUID.randomUUID(), base.products().get(0).id(), precise, precise)));
        start(new SimulatorData(base.accounts(), base.products(), List.of(order)));

        PassSummary summary = bridge.runPass();

        assertThat(summary.ordersCreated()).isEqualTo(1);
        ErpSimulator.SaleLine line = systems.erp.saleByReference(order.id().toString()).orElseThrow().lines().get(0);
        assertThat(line.quantity().toPlainString()).as("quantity").isEqualTo("12.345678901234567890");
        assertThat(line.unitPrice().toPlainString()).as("unit price").isEqualTo("12.345678901234567890");
    }

    @Test
    void orderWithFiveHundredLines_syncsLikeOneWithOne() {
        SimulatorData base = SimulatorData.generate(7L, 1, 3, 0, Simulators.START);
        List<SimulatorData.OrderLine> lines = new ArrayList<>();
        for (int i = 1; i <= 500; i++) {
            lines.add(new SimulatorData.OrderLine(UUID.randomUUID(), base.products().get(i % 3).id(),
                    BigDecimal.valueOf(i), new BigDecimal("1.25")));
        }
        SimulatorData.Order big = new SimulatorData.Order(UUID.randomUUID(), "ORD-0500", base.accounts().get(0).id(),
                Simulators.START.minusSeconds(60), lines);
        start(new SimulatorData(base.accounts(), base.products(), List.of(big)));

        PassSummary summary = bridge.runPass();

        assertThat(summary.ordersCreated()).isEqualTo(1);
        ErpSimulator.Sale sale = systems.erp.saleByReference(big.id().toString()).orElseThrow();
        assertThat(sale.lines()).as("sale lines").hasSize(500);
        assertThat(sale.lines().stream().map(ErpSimulator.SaleLine::quantity).reduce(BigDecimal.ZERO, BigDecimal::add))
                .as("total quantity").isEqualByComparingTo(BigDecimal.valueOf(500 * 501 / 2));
    }

    private void start(SimulatorData data) {
        systems = Simulators.start(data, java.time.Duration.ofSeconds(30), java.time.Duration.ofSeconds(30), folder);
        bridge = BridgeRuntime.start(systems.properties(), systems.beans());
    }
}
