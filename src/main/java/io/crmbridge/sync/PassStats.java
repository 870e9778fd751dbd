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
    private final AtomicLong flowsFailed = new AtomicLong();
    private volatile long crmLoginsBefore;
    private volatile long erpLoginsBefore;
    private volatile PassSummary last;

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
        flowsFailed.set(0);
        crmLoginsBefore = logins.count(CrmClient.SYSTEM);
        erpLoginsBefore = logins.count(ErpClient.SYSTEM);
    }

    /** Records that a flow stopped on an error, logging it once. */
    public void flowFailed(Exchange exchange, String flow) {
        flowsFailed.incrementAndGet();
        Exception error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        LOG.error("Flow {} stopped early, the rest waits for the next pass: {}", flow,
                error == null ? "unknown error" : BridgeException.describe(error));
    }

    /** Ends the pass: logs the summary line and returns it. */
    public PassSummary end() {
        PassSummary summary = new PassSummary(ordersCreated.get(), ordersExisting.get(), ordersFailed.get(),
                stockUpdated.get(), stockFailed.get(), logins.count(CrmClient.SYSTEM) - crmLoginsBefore,
                logins.count(ErpClient.SYSTEM) - erpLoginsBefore, flowsFailed.get());
        last = summary;
        LOG.info(summary.line());
        return summary;
    }

    /** Returns the summary of the last pass that ended, or null before the first. */
    public PassSummary last() {
        return last;
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
}
