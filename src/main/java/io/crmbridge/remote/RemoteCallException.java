package io.crmbridge.remote;

import io.crmbridge.BridgeException;

/**
 * An outbound call that failed: the system could not be reached or answered with an error status.
 */
public class RemoteCallException extends BridgeException {

    private final int status;

    /** Creates a call error; {@code status} is 0 when no HTTP answer came back. */
    public RemoteCallException(String message, int status, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    /** The HTTP status the system answered, or 0 when it could not be reached. */
    public int status() {
        return status;
    }

}
