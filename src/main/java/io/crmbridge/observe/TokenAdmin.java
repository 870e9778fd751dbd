package io.crmbridge.observe;

import io.crmbridge.SystemSettings;
import com.github.benmanes.caffeine.cache.Cache;
import io.crmbridge.auth.AuthStats;
import io.crmbridge.auth.Token;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.management.InstanceAlreadyExistsException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import javax.management.StandardMBean;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The operator's JMX handle on the token cache: shows each system's token expiry and drops a system's token on
 * request. It is registered on the platform MBean server while the Camel context runs.
 */
final class TokenAdmin extends ServiceSupport implements TokenAdminMXBean {

    private static final Logger LOG = LoggerFactory.getLogger(TokenAdmin.class);

    private final ObjectName name;
    private final List<String> systems;
    private final Clock clock;
    private final Cache<String, String> tokenCache;
    private final Function<String, String> cacheKeys;
    private final AuthStats stats;
    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    private volatile boolean registered;

    /** Creates the operations of the bridge running as Camel context {@code contextName}. */
    TokenAdmin(String contextName, List<String> systems, Clock clock, Cache<String, String> tokenCache,
               Function<String, String> cacheKeys, AuthStats stats) {
        this.name = objectName(contextName);
        this.systems = systems;
        this.clock = clock;
        this.tokenCache = tokenCache;
        this.cacheKeys = cacheKeys;
        this.stats = stats;
    }

    /** Returns {@code io.crmbridge:type=Tokens,context=<contextName>}. */
    static ObjectName objectName(String contextName) {
        String context = contextName.matches("[A-Za-z0-9._-]+") ? contextName : ObjectName.quote(contextName);
        try {
            return new ObjectName("io.crmbridge:type=Tokens,context=" + context);
        } catch (MalformedObjectNameException e) {
            throw new IllegalArgumentException("Camel context name '" + contextName + "' makes no JMX name", e);
        }
    }

    @Override
    protected void doStart() throws JMException {
        try {
            server.registerMBean(new StandardMBean(this, TokenAdminMXBean.class, true), name);
            registered = true;
        } catch (InstanceAlreadyExistsException e) {
            LOG.warn("JMX name {} is taken by another bridge in this JVM, so this one offers no token "
                    + "operations: give each bridge its own camel.main.name", name);
        }
    }

    @Override
    protected void doStop() throws JMException {
        if (registered) {
            registered = false;
            server.unregisterMBean(name);
        }
    }

    @Override
    public List<String> getSystems() {
        return systems;
    }

    @Override
    public Map<String, String> getTokenExpiry() {
        Map<String, String> expiry = new LinkedHashMap<>();
        systems.forEach(system -> expiry.put(system,
                stats.expiresAt(system).map(Instant::toString).orElse("none")));
        return expiry;
    }

    @Override
    public Map<String, Long> getSecondsUntilExpiry() {
        Instant now = clock.instant();
        Map<String, Long> seconds = new LinkedHashMap<>();
        systems.forEach(system -> stats.expiresAt(system)
                .ifPresent(expiry -> seconds.put(system, Duration.between(now, expiry).toSeconds())));
        return seconds;
    }

    @Override
    public boolean dropToken(String system) {
        if (!systems.contains(system)) {
            throw new IllegalArgumentException("No system '" + system + "': the configured systems are "
                    + String.join(", ", systems));
        }
        String dropped = tokenCache.asMap().remove(cacheKeys.apply(system));
        if (dropped == null) {
            LOG.info("{} token drop requested over JMX: no token was cached", SystemSettings.label(system));
            return false;
        }
        stats.tokenDropped(system);
        LOG.info("{} token {} dropped over JMX: the next call logs in", SystemSettings.label(system),
                fingerprint(dropped));
        return true;
    }

    private static String fingerprint(String tokenJson) {
        try {
            return Token.fromJson(tokenJson).fingerprint();
        } catch (RuntimeException unreadable) {
            return "(unreadable)";
        }
    }
}
