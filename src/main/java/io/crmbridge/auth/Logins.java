package io.crmbridge.auth;

import io.crmbridge.BridgeException;
import io.crmbridge.BridgeNames;
import io.crmbridge.SystemSettings;
import io.crmbridge.logging.LogSecrets;
import org.apache.camel.Variable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/**
 * Logs in to a system with the login kind its settings name, one login per system at a time, and counts logins.
 *
 * <p>The {@code auth-login} route holds {@link #enter} and {@link #leave} around "read the cache again, log in
 * if still needed, write the cache", so callers that found the cache cold together cause a single login.
 *
 * <p>After a failed login the system waits, exponentially longer after each failure
 * ({@code bridge.auth.retry-initial-delay}, {@code bridge.auth.retry-max-delay}) or until the login endpoint's
 * {@code Retry-After}; meanwhile callers that need a login fail at once instead of calling the endpoint again.
 */
public final class Logins {

    private static final Logger LOG = LoggerFactory.getLogger(Logins.class);
    private static final Duration DEFAULT_LOGIN_WAIT = Duration.ofSeconds(60);
    private static final Duration DEFAULT_RETRY_INITIAL_DELAY = Duration.ofSeconds(1);
    private static final Duration DEFAULT_RETRY_MAX_DELAY = Duration.ofMinutes(5);
    private static final Duration LONGEST_LIFETIME = Duration.ofDays(3660);

    private final SystemSettings settings;
    private final LoginTransport transport;
    private final Clock clock;
    private final Map<String, LoginKind> kinds;
    private final Map<String, Semaphore> gates = new ConcurrentHashMap<>();
    private final Map<String, LoginBackoff> backoffs = new ConcurrentHashMap<>();
    private final AuthStats stats;
    private final RandomGenerator random;
    private final Duration loginWait;
    private final Duration retryInitialDelay;
    private final Duration retryMaxDelay;

    /** Creates the login service with the kinds it can use, counting into {@code stats}. */
    public Logins(SystemSettings settings, LoginTransport transport, Clock clock, List<LoginKind> kinds,
                  AuthStats stats, RandomGenerator random) {
        this.settings = settings;
        this.transport = transport;
        this.clock = clock;
        this.stats = stats;
        this.random = random;
        this.kinds = new LinkedHashMap<>();
        kinds.forEach(kind -> this.kinds.put(kind.name(), kind));
        // Read here, at start, so a mistyped one fails naming the setting before any login
        this.loginWait = settings.globalDuration("auth.login-wait", DEFAULT_LOGIN_WAIT);
        this.retryInitialDelay = settings.globalDuration("auth.retry-initial-delay", DEFAULT_RETRY_INITIAL_DELAY);
        this.retryMaxDelay = settings.globalDuration("auth.retry-max-delay", DEFAULT_RETRY_MAX_DELAY);
    }

    /** Waits until no other login to the system is in progress, then claims the system's login gate. */
    public void enter(@Variable(BridgeNames.SYSTEM) String system) throws InterruptedException {
        if (!gate(system).tryAcquire(loginWait.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new LoginException("Gave up after " + loginWait.toSeconds() + " s waiting for the "
                    + SystemSettings.label(system) + " login in progress");
        }
    }

    /** Releases the system's login gate claimed by {@link #enter}. */
    public void leave(@Variable(BridgeNames.SYSTEM) String system) {
        gate(system).release();
    }

    /**
     * Reads the system's login kind and the settings that kind needs, calling nobody.
     *
     * @throws BridgeException naming the first setting that is missing or unreadable
     */
    public void checkSettings(String system) {
        kind(system).checkSettings(system, settings);
    }

    /** Logs in to the system and returns the token JSON to cache. */
    public String login(@Variable(BridgeNames.SYSTEM) String system) {
        LoginKind kind = kind(system);
        failIfWaiting(system);
        Token token;
        try {
            token = checkedLifetime(kind.login(system, settings, transport, clock));
        } catch (RuntimeException e) {
            Optional<Duration> retryAfter = e instanceof LoginException login ? login.retryAfter() : Optional.empty();
            backoff(system).failed(clock.instant(), BridgeException.describe(e), retryAfter);
            stats.loginFailed(system);
            throw e;
        }
        LogSecrets.addToken(token);
        backoff(system).succeeded();
        stats.loginSucceeded(system, token.expiresAt());
        LOG.info("{} login #{} ({}) obtained token {} valid until {}", SystemSettings.label(system),
                stats.logins(system), kind.name(), token.fingerprint(), token.expiresAt());
        return token.toJson();
    }

    private LoginKind kind(String system) {
        String kindName = settings.optional(system, "auth.kind").orElseThrow(() -> new BridgeException(
                "Missing setting bridge." + system + ".auth.kind: name how to log in to system '" + system + "' ("
                        + String.join(", ", kinds.keySet()) + ")"));
        LoginKind kind = kinds.get(kindName.toLowerCase(Locale.ROOT));
        if (kind == null) {
            throw new BridgeException("Unknown login kind in bridge." + system + ".auth.kind; known kinds: "
                    + String.join(", ", kinds.keySet()) + LoginAnswers.NOT_SHOWN);
        }
        return kind;
    }

    /** Refuses a token that is expired on arrival, or whose expiry lies further out than any real one would. */
    private static Token checkedLifetime(Token token) {
        boolean endless = token.neverExpires();
        if (!token.expiresAt().isAfter(token.obtainedAt())
                || !endless && token.expiresAt().isAfter(token.obtainedAt().plus(LONGEST_LIFETIME))) {
            throw new LoginException(SystemSettings.label(token.system()) + " login answered a token whose expiry "
                    + token.expiresAt() + " cannot be used: check the expiry the login endpoint sends");
        }
        return token;
    }

    /** Returns when the next login to the system may be tried, if it is waiting after a failed login. */
    public Optional<Instant> waitingUntil(String system) {
        LoginBackoff backoff = backoffs.get(system);
        return backoff == null ? Optional.empty() : backoff.waitingUntil(clock.instant());
    }

    /**
     * Fails at once, without calling the login endpoint, while the system waits after a failed login.
     *
     * @throws LoginException naming the system, the number of failures, the last error and the next attempt
     */
    public void failIfWaiting(String system) {
        Optional<Instant> until = waitingUntil(system);
        if (until.isPresent()) {
            LoginBackoff backoff = backoffs.get(system);
            int failures = backoff.failures();
            throw new LoginException(SystemSettings.label(system) + " has no valid token and its last "
                    + (failures == 1 ? "login" : failures + " logins") + " failed; next attempt after " + until.get()
                    + ". Last error: " + backoff.lastError());
        }
    }

    /** Returns how many logins to the system succeeded since start. */
    public long count(String system) {
        return stats.logins(system);
    }

    private LoginBackoff backoff(String system) {
        return backoffs.computeIfAbsent(system, key -> new LoginBackoff(retryInitialDelay, retryMaxDelay, random));
    }

    private Semaphore gate(String system) {
        return gates.computeIfAbsent(system, key -> new Semaphore(1, true));
    }
}
