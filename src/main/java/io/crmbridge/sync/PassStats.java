package io.crmbridge.sync;

import io.crmbridge.BridgeException;
import io.crmbridge.auth.Logins;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts what one sync pass did and logs the summary line when it ends. Passes never overlap.
 */
public final class PassStats {

    private static final Logger LOG = LoggerFactory.getLogger("io.crmbridge.sync.summary");

    private final Logins logins;
    private final AtomicLong ordersCreated = new AtomicLong();
    private final AtomicLong ordersExisting = new AtomicLong();
    private final AtomicLong ordersFailed = new AtomicLong();
    private final AtomicLong stockUpdated = new AtomicLong();
    private final AtomicLong stockFailed = new AtomicLong();
    private final AtomicLong stockOneSided = new AtomicLong();
    private final AtomicLong flowsFailed = new AtomicLong();
    private volatile long crmLoginsBefore;
    private volatile long erpLoginsBefore;

    /** Creates pass statistics reading login counts from {@code logins}. */
    public PassStats(Logins logins) {
        this.logins = logins;
    }

    /** Starts counting a new pass. */
    public void begin() {
        ordersCreated.set(0);
        ordersExisting.set(0);
        ordersFailed.set(0);
        stockUpdated.set(0);
        stockFailed.set(0);
        stockOneSided.set(0);
        flowsFailed.set(0);
        crmLoginsBefore = logins.count(CrmClient.SYSTEM);
        erpLoginsBefore = logins.count(ErpClient.SYSTEM);
    }

    /**
     * Records that a flow stopped on an error, logging it once. It also counts as one failure of the flow's
     * records, so that a failed count above zero on the summary line always means something needs attention.
     */
    public void flowFailed(Exchange exchange, String flow) {
        flowsFailed.incrementAndGet();
        (flow.startsWith("inventory") ? stockFailed : ordersFailed).incrementAndGet();
        Exception error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        LOG.error("Flow {} stopped early; its remaining records are left for a later pass: {}", flow,
                error == null ? "unknown error" : BridgeException.describe(error));
    }

    /** Ends the pass: logs the summary line and returns it. */
    public PassSummary end() {
        PassSummary summary = new PassSummary(ordersCreated.get(), ordersExisting.get(), ordersFailed.get(),
                stockUpdated.get(), stockFailed.get(), stockOneSided.get(),
                logins.count(CrmClient.SYSTEM) - crmLoginsBefore,
                logins.count(ErpClient.SYSTEM) - erpLoginsBefore, flowsFailed.get());
        LOG.info(summary.line());
        return summary;
    }

    void orderCreated() {
        ordersCreated.incrementAndGet();
    }

    void orderExisting() {
        ordersExisting.incrementAndGet();
    }

    void orderFailed() {
        ordersFailed.incrementAndGet();
    }

    void stockUpdated() {
        stockUpdated.incrementAndGet();
    }

    void stockFailed() {
        stockFailed.incrementAndGet();
    }

    void stockOneSided() {
        stockOneSided.incrementAndGet();
    }
}
