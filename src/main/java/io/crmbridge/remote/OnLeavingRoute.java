package io.crmbridge.remote;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.Route;
import org.apache.camel.spi.Synchronization;
import org.apache.camel.spi.SynchronizationRouteAware;
import org.apache.camel.spi.UnitOfWork;

import java.util.List;

/**
 * A route step that makes other steps run when the exchange leaves the route it is in, however it leaves: after
 * the route's last step, or with an exception from any step. {@code authorized-call} takes the credential off the
 * exchange this way.
 *
 * <p>Camel tells the exchange's unit of work whenever the exchange leaves a route, a sub-route reached through
 * {@code direct:} included, while the exchange's own unit of work goes on; the steps run then, once, for the route
 * in which this step ran, and the unit of work forgets them. {@code doTry} with {@code doFinally} would guarantee
 * the same, but runs every step of the route inside a block of its own, which costs more on every call than this
 * does.
 */
public final class OnLeavingRoute implements Processor {

    private final List<Processor> steps;

    /** Creates a step that runs {@code steps}, in this order, when the exchange leaves the route. */
    public OnLeavingRoute(Processor... steps) {
        this.steps = List.of(steps);
    }

    /**
     * Arranges for the steps to run when the exchange leaves the route this step is in.
     *
     * @throws IllegalStateException when the exchange is not being routed
     */
    @Override
    public void process(Exchange exchange) {
        UnitOfWork work = exchange.getUnitOfWork();
        Route route = work == null ? null : work.getRoute();
        if (route == null) {
            throw new IllegalStateException("OnLeavingRoute runs as a step of a route");
        }
        work.addSynchronization(new Leaving(route, steps));
    }

    /** Waits for the exchange to leave one route, then runs the steps and takes itself off the unit of work. */
    private static final class Leaving implements Synchronization, SynchronizationRouteAware {

        private final Route route;
        private final List<Processor> steps;

        Leaving(Route route, List<Processor> steps) {
            this.route = route;
            this.steps = steps;
        }

        @Override
        public SynchronizationRouteAware getRouteSynchronization() {
            return this;
        }

        @Override
        public void onBeforeRoute(Route entered, Exchange exchange) {
            // only leaving counts
        }

        @Override
        public void onAfterRoute(Route left, Exchange exchange) {
            if (left != route) {
                // a sub-route the exchange was sent to from this route
                return;
            }
            exchange.getUnitOfWork().removeSynchronization(this);
            for (Processor step : steps) {
                try {
                    step.process(exchange);
                } catch (Exception e) {
                    // Camel would log and drop it; the exchange must not leave as if all had gone well.
                    if (exchange.getException() == null) {
                        exchange.setException(e);
                    }
                }
            }
        }

        @Override
        public void onComplete(Exchange exchange) {
            // the exchange leaves the route before its unit of work completes
        }

        @Override
        public void onFailure(Exchange exchange) {
            // as onComplete
        }
    }
}
