package io.crmbridge.sync;

import io.crmbridge.remote.RemoteCallException;

import java.util.Set;

/**
 * Tells a failure of one record from a failure of a whole system.
 *
 * <p>A record failure (a missing field, an unknown product, an ERP business error, a 404) is counted and the
 * flow goes on with the next record. Anything else (a refused login, a system that is down or does not answer)
 * would fail every record the same way, so the flow stops at once and the next pass tries again.
 */
final class Failures {

    private static final Set<Integer> RECORD_STATUSES = Set.of(400, 404, 409, 410, 422);

    private Failures() {
    }

    /** Tells whether the failure concerns only the record being synced. */
    static boolean isRecordFailure(RuntimeException error) {
        if (error instanceof RecordException || error instanceof ErpBusinessException) {
            return true;
        }
        return error instanceof RemoteCallException call && RECORD_STATUSES.contains(call.status());
    }
}
