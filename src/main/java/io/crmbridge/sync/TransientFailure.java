package io.crmbridge.sync;

import io.crmbridge.remote.RemoteCallException;
import io.crmbridge.remote.TransientStatus;
import org.apache.camel.Exchange;
import org.apache.camel.Predicate;

/**
 * Tells the {@code sync-redelivery} route configuration which failures are worth redelivering: a system that
 * could not be reached or did not answer in time, or that answered 408, 429 or a 5xx status. A refused login or
 * a business error would fail the same way again, so it is not redelivered.
 */
public final class TransientFailure implements Predicate {

    @Override
    public boolean matches(Exchange exchange) {
        Throwable error = exchange.getException();
        if (error == null) {
            error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        }
        return error instanceof RemoteCallException call && TransientStatus.isTransient(call.status());
    }
}
