package io.crmbridge.sync;

import io.crmbridge.simulator.ErpSimulator;
import io.crmbridge.simulator.ObservedRequest;
import io.crmbridge.simulator.RequestObserver;
import io.crmbridge.simulator.SimulatorData;
import io.crmbridge.testsupport.BridgeTest;
import io.crmbridge.testsupport.Reconciliation;
import io.crmbridge.testsupport.Simulators;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keyset paging on (ModifiedOn, Id) skips nothing and repeats nothing, however the stamps fall; a CRM that pages on
 * its own is followed to the end of every query.
 */
class PagingTest extends BridgeTest {

    @Test
    void ordersSharingOneModifiedOn_acrossPageBoundaries_areEachCreatedOnce() throws Exception {
        SimulatorData base = SimulatorData.generate(7L, 2, 3, 0, Simulators.START);
        Instant sameStamp = Simulators.START.minusSeconds(600);
        List<SimulatorData.Order> orders = new ArrayList<>();
        for (int i = 1; i <= 23; i++) {
            orders.add(new SimulatorData.Order(UUID.randomUUID(), String.format("ORD-%04d", i),
                    base.accounts().get(0).id(), sameStamp, List.of(new SimulatorData.OrderLine(UUID.randomUUID(),
                    base.products().get(i % 3).id(), BigDecimal.ONE, BigDecimal.TEN))));
        }
        start(new SimulatorData(base.accounts(), base.products(), orders), "5");

        PassSummary summary = bridge.runPass();

        // 23 orders on one stamp fill four pages and part of a fifth: only the Id tells them apart.
        assertThat(summary.ordersCreated()).as("orders created").isEqualTo(23);
        assertThat(salesPerReference()).as("sales per CRM order").hasSize(23).allSatisfy((id, count) ->
                assertThat(count).as("sales of CRM order " + id).isEqualTo(1));
        assertThat(Files.readString(systems.watermarkFile())).as("watermark keeps its UTC offset")
                .contains("\"modifiedOn\":\"").containsPattern("\"modifiedOn\":\"[^\"]+Z\"");
    }

    @Test
    void ordersAddedWhileAPassRuns_areSyncedByThisPassOrTheNext_eachOnce() throws Exception {
        start(SimulatorData.generate(7L, 5, 12, 60, Simulators.START), "7");
        List<SimulatorData.Order> added = new ArrayList<>();

        CompletableFuture<PassSummary> pass = CompletableFuture.supplyAsync(bridge::runPass);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (systems.erp.sales().isEmpty() && !pass.isDone() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        // Each new order is stamped later than every order read so far, as the CRM would stamp it.
        for (int i = 0; i < 30; i++) {
            systems.clock.advance(Duration.ofMillis(1));
            added.add(systems.crm.addRandomOrder());
        }
        PassSummary first = pass.get(60, java.util.concurrent.TimeUnit.SECONDS);
        PassSummary second = bridge.runPass();

        assertThat(added).as("orders added during the first pass").isNotEmpty();
        assertThat(first.succeeded() && second.succeeded()).as("both passes succeeded").isTrue();
        Map<String, Long> sales = salesPerReference();
        assertThat(sales).as("sales per CRM order").hasSize(60 + added.size());
        assertThat(sales.values()).as("sales per CRM order").containsOnly(1L);
        assertThat(systems.crm.orders()).allSatisfy(order ->
                assertThat(order.get("UsrErpNumber")).as("ERP number of " + order.get("Number")).isNotNull());
    }

    @Test
    void crmPagingOnItsOwn_isFollowedThroughItsNextLinks_soNoOrderLineOrProductIsMissed() {
        // 20 orders of one to four lines, 12 products; the CRM answers at most 3 records a query, the bridge asks 5
        start(SimulatorData.generate(11L, 4, 12, 20, Simulators.START), "5");
        systems.crm.pageAtMost(3);

        PassSummary pass = bridge.runPass();

        assertThat(pass.succeeded()).as("pass succeeded: " + pass.line()).isTrue();
        assertThat(Reconciliation.problems(systems.crm, systems.erp)).as("orders against sales, line by line")
                .isEmpty();
        assertThat(pass.stockUpdated()).as("CRM products given their ERP stock").isEqualTo(12);
        assertThat(pass.stockOneSided()).as("products found on one side only").isZero();
    }

    @Test
    void orderSavedAgainWhileTheCrmPagesOnItsOwn_doesNotPushAnotherOutOfThePass() {
        start(SimulatorData.generate(5L, 3, 6, 14, Simulators.START), "50");
        systems.crm.pageAtMost(3);
        UUID earliest = systems.crm.orders().stream()
                .min(Comparator.comparing((Map<String, Object> order) -> order.get("ModifiedOn").toString()))
                .map(order -> (UUID) order.get("Id")).orElseThrow();
        AtomicInteger orderQueries = new AtomicInteger();
        systems.crm.observeRequests(new RequestObserver() {
            @Override
            public boolean arrived(ObservedRequest request) {
                // A user saves the first order read again while the bridge reads on
                if (request.path().endsWith("/Order") && orderQueries.incrementAndGet() == 2) {
                    systems.crm.saveOrderAgain(earliest);
                }
                return true;
            }
        });

        PassSummary pass = bridge.runPass();

        assertThat(pass.succeeded()).as("pass succeeded: " + pass.line()).isTrue();
        assertThat(Reconciliation.problems(systems.crm, systems.erp)).as("orders against sales").isEmpty();
    }

    private Map<String, Long> salesPerReference() {
        return systems.erp.sales().stream().collect(Collectors.groupingBy(ErpSimulator.Sale::reference,
                Collectors.counting()));
    }

    private void start(SimulatorData data, String pageSize) {
        systems = Simulators.start(data, Duration.ofHours(1), Duration.ofHours(1), folder);
        startBridgeWith(Map.of("bridge.crm.page-size", pageSize));
    }
}
