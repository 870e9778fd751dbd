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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Logs in to a system with the login kind its settings name, one login per system at a time, and counts logins.
 *
 * <p>The {@code auth-login} route holds {@link #enter} and {@link #leave} around "read the cache again, log in
 * if still needed, write the cache", so callers that found the cache cold together cause a single login.
 */
public final class Logins {

    private static final Logger LOG = LoggerFactory.getLogger(Logins.class);
    private static final Duration DEFAULT_LOGIN_WAIT = Duration.ofSeconds(60);

    private final SystemSettings settings;
    private final LoginTransport transport;
    private final Clock clock;
    private final Map<String, LoginKind> kinds;
    private final Map<String, Semaphore> gates = new ConcurrentHashMap<>();
    private final AuthStats stats;

    /** Creates the login service with the kinds it can use, counting into {@code stats}. */
    public Logins(SystemSettings settings, LoginTransport transport, Clock clock, List<LoginKind> kinds,
                  AuthStats stats) {
        this.settings = settings;
        this.transport = transport;
        this.clock = clock;
        this.stats = stats;
        this.kinds = kinds.stream().collect(Collectors.toUnmodifiableMap(LoginKind::name, Function.identity()));
    }

    /** Waits until no other login to the system is in progress, then claims the system's login gate. */
    public void enter(@Variable(BridgeNames.SYSTEM) String system) throws InterruptedException {
        Duration wait = settings.globalDuration("auth.login-wait", DEFAULT_LOGIN_WAIT);
        if (!gate(system).tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new LoginException("Gave up after " + wait.toSeconds() + " s waiting for the "
                    + label(system) + " login in progress");
        }
    }

    /** Releases the system's login gate claimed by {@link #enter}. */
    public void leave(@Variable(BridgeNames.SYSTEM) String system) {
        gate(system).release();
    }

    /** Logs in to the system and returns the token JSON to cache. */
    public String login(@Variable(BridgeNames.SYSTEM) String system) {
        String kindName = settings.optional(system, "auth.kind").orElseThrow(() -> new BridgeException(
                "Missing setting bridge." + system + ".auth.kind: name how to log in to system '" + system + "' ("
                        + String.join(", ", kinds.keySet()) + ")"));
        LoginKind kind = kinds.get(kindName);
        if (kind == null) {
            throw new BridgeException("Unknown login kind '" + kindName + "' in bridge." + system + ".auth.kind; "
                    + "known kinds: " + String.join(", ", kinds.keySet()));
        }

        Token token;
        try {
            token = kind.login(system, settings, transport, clock);
        } catch (RuntimeException e) {
            stats.loginFailed(system);
            throw e;
        }
        LogSecrets.addToken(token);
        stats.loginSucceeded(system, token.expiresAt());
        LOG.info("{} login #{} ({}) obtained token {} valid until {}", label(system), stats.logins(system), kindName,
                token.fingerprint(), token.expiresAt());
        return token.toJson();
    }

    /** Returns how many logins to the system succeeded since start. */
    public long count(String system) {
        return stats.logins(system);
    }

    private Semaphore gate(String system) {
        return gates.computeIfAbsent(system, key -> new Semaphore(1, true));
    }

    static String label(String system) {
        return system.toUpperCase(Locale.ROOT);
    }
}
