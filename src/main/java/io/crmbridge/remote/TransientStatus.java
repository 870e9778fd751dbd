package io.crmbridge.remote;

/**
 * Tells which outcomes of a call may well differ on the next attempt: no answer at all (status 0: refused
 * connection, timeout, dropped connection), 408, 429 and the 5xx statuses.
 */
public final class TransientStatus {

    private TransientStatus() {
    }

    /** Tells whether a call that ended with {@code status} (0 for no answer) is worth sending again. */
    public static boolean isTransient(int status) {
        return status == 0 || status == 408 || status == 429 || status >= 500;
    }
}
