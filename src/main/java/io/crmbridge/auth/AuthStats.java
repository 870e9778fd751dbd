package io.crmbridge.auth;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts, per system, what {@code direct:auth} did: logins, login failures, cache hits and misses, and when the
 * current token expires. Metrics, health checks and the summary line read it.
 */
public final class AuthStats {

    private final Map<String, SystemStats> systems = new ConcurrentHashMap<>();

    /** Records a login that produced a token valid until {@code expiresAt}. */
    public void loginSucceeded(String system, Instant expiresAt) {
        SystemStats stats = of(system);
        stats.logins.incrementAndGet();
        stats.expiresAt.set(expiresAt);
        stats.lastLoginFailed = false;
    }

    /** Records a login that failed. */
    public void loginFailed(String system) {
        SystemStats stats = of(system);
        stats.loginFailures.incrementAndGet();
        stats.lastLoginFailed = true;
    }

    /** Records a caller served by a cached token. */
    public void cacheHit(String system) {
        of(system).cacheHits.increment();
    }

    /** Records a caller that found no usable token in the cache. */
    public void cacheMiss(String system) {
        of(system).cacheMisses.incrementAndGet();
    }

    /** Records that the system's token was dropped (a 401, or an operator's request). */
    public void tokenDropped(String system) {
        of(system).expiresAt.set(null);
    }

    /** Returns the systems seen so far. */
    public Set<String> systems() {
        return Set.copyOf(systems.keySet());
    }

    /** Returns successful logins to the system since start. */
    public long logins(String system) {
        return of(system).logins.get();
    }

    /** Returns failed logins to the system since start. */
    public long loginFailures(String system) {
        return of(system).loginFailures.get();
    }

    /** Returns callers served from the cache since start. */
    public long cacheHits(String system) {
        return of(system).cacheHits.sum();
    }

    /** Returns callers that needed a login since start. */
    public long cacheMisses(String system) {
        return of(system).cacheMisses.get();
    }

    /** Returns when the system's current token expires, if there is one. */
    public Optional<Instant> expiresAt(String system) {
        return Optional.ofNullable(of(system).expiresAt.get());
    }

    /** Tells whether the latest login to the system failed; {@code false} before the first login. */
    public boolean lastLoginFailed(String system) {
        return of(system).lastLoginFailed;
    }

    private SystemStats of(String system) {
        return systems.computeIfAbsent(system, key -> new SystemStats());
    }

    private static final class SystemStats {
        private final AtomicLong logins = new AtomicLong();
        private final AtomicLong loginFailures = new AtomicLong();
        private final LongAdder cacheHits = new LongAdder();
        private final AtomicLong cacheMisses = new AtomicLong();
        private final AtomicReference<Instant> expiresAt = new AtomicReference<>();
        private volatile boolean lastLoginFailed;
    }
}
