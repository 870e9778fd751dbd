package io.crmbridge.sync;

import io.crmbridge.simulator.ObservedRequest;
import io.crmbridge.simulator.RequestObserver;
import io.crmbridge.simulator.SimulatorData;
import io.crmbridge.testsupport.BridgeTest;
import io.crmbridge.testsupport.Reconciliation;
import io.crmbridge.testsupport.Simulators;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ERP accepts a sale but its answer never reaches the bridge: the connection drops, or the answer comes after
 * the bridge stopped waiting. Whoever tries again must find that sale by its reference instead of creating a second
 * ERP order for the same CRM order.
 */
class LostSaleAnswerTest extends BridgeTest {

    private static final String SALE_CREATE = "model.sale.sale.create";
    /** The create of the second page of five orders: an earlier page is already done, a later one still to do. */
    private static final int LOST_CREATE = 2;
    private static final int PASSES = 3;


    @Test
    void saleCreated_butTheConnectionDropsBeforeTheAnswer_isNotCreatedAgain() {
        start(Map.of());
        AtomicInteger creates = new AtomicInteger();
        systems.erp.observeRequests(new RequestObserver() {
            @Override
            public boolean answering(ObservedRequest request, int status) {
                return !(request.operation().equals(SALE_CREATE) && creates.incrementAndGet() == LOST_CREATE);
            }
        });

        bridge.runPass();

        assertThat(creates.get()).as("sale creations; number %d lost its answer", LOST_CREATE)
                .isGreaterThanOrEqualTo(LOST_CREATE);
        assertSalesMatchOrdersWithin(PASSES);
    }

    @Test
    void saleCreated_butAnsweredAfterTheResponseTimeout_isNotCreatedAgain() {
        start(Map.of("camel.component.http.response-timeout", "2000"));
        AtomicInteger creates = new AtomicInteger();
        CountDownLatch passOver = new CountDownLatch(1);
        AtomicBoolean held = new AtomicBoolean();
        systems.erp.observeRequests(new RequestObserver() {
            @Override
            public boolean answering(ObservedRequest request, int status) {
                if (request.operation().equals(SALE_CREATE) && creates.incrementAndGet() == LOST_CREATE) {
                    held.set(true);
                    awaitQuietly(passOver);
                }
                return true;
            }
        });

        bridge.runPass();
        passOver.countDown();

        assertThat(held).as("sale creation number %d held until the pass was over", LOST_CREATE).isTrue();
        assertSalesMatchOrdersWithin(PASSES);
    }

    private void start(Map<String, String> extra) {
        systems = Simulators.start(SimulatorData.generate(5L, 3, 6, 14, Simulators.START), Duration.ofMinutes(10),
                Duration.ofMinutes(10), folder);
        Map<String, String> settings = new HashMap<>(extra);
        settings.putIfAbsent("bridge.crm.page-size", "5");
        startBridgeWith(settings);
    }

    /** Runs passes until the ERP and the CRM agree, and fails naming what is still wrong after the last one. */
    private void assertSalesMatchOrdersWithin(int passes) {
        List<String> problems = Reconciliation.problems(systems.crm, systems.erp);
        for (int pass = 1; pass <= passes && !problems.isEmpty(); pass++) {
            bridge.runPass();
            problems = Reconciliation.problems(systems.crm, systems.erp);
        }
        assertThat(problems).as("after %d more passes", passes).isEmpty();
    }

    /** Holds the late answer until the pass is over; a test that breaks never holds a simulator thread long. */
    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
