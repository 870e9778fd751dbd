package io.crmbridge.auth;

import io.crmbridge.BridgeException;

import java.time.Duration;
import java.util.Optional;

/**
 * A login that did not yield a usable credential: refused, unreachable or answered with something unreadable.
 */
public class LoginException extends BridgeException {

    private final transient Duration retryAfter;

    /** Creates a login error with a message naming the system and what to check. */
    public LoginException(String message) {
        this(message, null, null);
    }

    /** Creates a login error with its cause. */
    public LoginException(String message, Throwable cause) {
        this(message, cause, null);
    }

    /** Creates a login error after which the login endpoint asked not to be called for {@code retryAfter}. */
    public LoginException(String message, Throwable cause, Duration retryAfter) {
        super(message, cause);
        this.retryAfter = retryAfter;
    }

    /** How long the login endpoint asked the bridge to wait ({@code Retry-After}), if it did. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
