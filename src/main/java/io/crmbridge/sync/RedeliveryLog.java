package io.crmbridge.sync;

import io.crmbridge.BridgeException;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs one WARN line before each redelivery of the {@code sync-redelivery} route configuration, in the bridge's
 * words: the flow, the attempt and the failure that caused it.
 */
public final class RedeliveryLog implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(RedeliveryLog.class);

    @Override
    public void process(Exchange exchange) {
        Throwable error = exchange.getException() != null ? exchange.getException()
                : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        Route route = exchange.getUnitOfWork() == null ? null : exchange.getUnitOfWork().getRoute();
        LOG.warn("Flow {} tries again (redelivery {} of {}) after: {}",
                route == null ? exchange.getFromRouteId() : route.getRouteId(),
                exchange.getMessage().getHeader(Exchange.REDELIVERY_COUNTER),
                exchange.getMessage().getHeader(Exchange.REDELIVERY_MAX_COUNTER),
                error == null ? "an unknown error" : BridgeException.describe(error));
    }
}
