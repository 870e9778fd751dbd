package io.crmbridge.auth;

import io.crmbridge.BridgeException;

/**
 * A login that did not yield a usable credential: refused, unreachable or answered with something unreadable.
 */
public class LoginException extends BridgeException {

    /** Creates a login error with a message naming the system and what to check. */
    public LoginException(String message) {
        super(message);
    }

    /** Creates a login error with its cause. */
    public LoginException(String message, Throwable cause) {
        super(message, cause);
    }
}
