package io.crmbridge.sync;

import io.crmbridge.simulator.SimulatorData;
import io.crmbridge.testsupport.BridgeRuntime;
import io.crmbridge.testsupport.Simulators;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

class ProbeThroughputTest {
    @Test
    void probe() {
        SimulatorData base = SimulatorData.generate(7L, 5, 12, 0, Simulators.START);
        List<SimulatorData.Order> orders = new ArrayList<>();
        java.util.Random r = new java.util.Random(1);
        for (int i = 0; i < 5000; i++) {
            List<SimulatorData.OrderLine> lines = new ArrayList<>();
            for (int j = 0; j < 10; j++) lines.add(new SimulatorData.OrderLine(UUID.randomUUID(), base.products().get(j).id(), BigDecimal.valueOf(1 + r.nextInt(9)), new BigDecimal("12.50")));
            orders.add(new SimulatorData.Order(UUID.randomUUID(), "ORD-" + i, base.accounts().get(i % 5).id(), Simulators.START.minusSeconds(100000 - i * 7L), lines));
        }
        SimulatorData data = new SimulatorData(base.accounts(), base.products(), orders);
        try (Simulators systems = Simulators.start(data, Duration.ofHours(1), Duration.ofHours(1), Path.of("/tmp/probe"))) {
            Map<String, String> p = new HashMap<>(systems.properties());
            p.put("bridge.crm.page-size", System.getProperty("probe.page", "100"));
            BridgeRuntime bridge = BridgeRuntime.start(p, systems.beans());
            long t0 = System.nanoTime();
            PassSummary s = bridge.runPass();
            long t1 = System.nanoTime();
            System.out.println("PROBE created=" + s.ordersCreated() + " existing=" + s.ordersExisting() + " ms=" + (t1 - t0) / 1_000_000
                    + " per s=" + s.ordersCreated() * 1e9 / (t1 - t0));
            bridge.close();
        }
    }
}
