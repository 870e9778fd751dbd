package io.crmbridge.auth;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * The login failures of one system: after each failure the next attempt waits an exponentially growing,
 * jittered delay (or longer, when the login endpoint named a {@code Retry-After}), so that all callers together
 * cause at most one login attempt per step while the endpoint is down.
 */
final class LoginBackoff {

    private final Duration initialDelay;
    private final Duration maxDelay;
    private final RandomGenerator random;
    private int failures;
    private Instant nextAttemptAt = Instant.MIN;
    private String lastError = "";

    LoginBackoff(Duration initialDelay, Duration maxDelay, RandomGenerator random) {
        this.initialDelay = initialDelay;
        this.maxDelay = maxDelay;
        this.random = random;
    }

    /** Returns when the next attempt may be made, if the system is waiting after a failure. */
    synchronized Optional<Instant> waitingUntil(Instant now) {
        return now.isBefore(nextAttemptAt) ? Optional.of(nextAttemptAt) : Optional.empty();
    }

    /** Records a failed attempt and returns when the next attempt may be made. */
    synchronized Instant failed(Instant now, String error, Optional<Duration> retryAfter) {
        failures++;
        lastError = error;
        Duration delay = jittered(exponential(failures));
        if (retryAfter.isPresent() && retryAfter.get().compareTo(delay) > 0) {
            delay = retryAfter.get();
        }
        nextAttemptAt = now.plus(delay);
        return nextAttemptAt;
    }

    /** Forgets past failures after a successful login. */
    synchronized void succeeded() {
        failures = 0;
        nextAttemptAt = Instant.MIN;
        lastError = "";
    }

    /** Returns how many attempts failed in a row. */
    synchronized int failures() {
        return failures;
    }

    /** Returns the message of the last failure, or an empty string. */
    synchronized String lastError() {
        return lastError;
    }

    private Duration exponential(int failure) {
        long millis = initialDelay.toMillis();
        for (int i = 1; i < failure && millis < maxDelay.toMillis(); i++) {
            millis *= 2;
        }
        return Duration.ofMillis(Math.min(millis, maxDelay.toMillis()));
    }

    /** Spreads retries of many bridges over the upper half of the delay ("equal jitter"). */
    private Duration jittered(Duration delay) {
        long half = delay.toMillis() / 2;
        return Duration.ofMillis(half + (half > 0 ? random.nextLong(half + 1) : 0));
    }
}
