package io.crmbridge.auth;

import com.github.benmanes.caffeine.cache.Cache;
import io.crmbridge.BridgeException;
import io.crmbridge.BridgeNames;
import io.crmbridge.SystemSettings;
import org.apache.camel.Exchange;
import org.apache.camel.Variable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;

/**
 * Decides whether a cached token can still be used, and puts its headers (such as {@code Authorization}) on the
 * exchange.
 *
 * <p>A token expiring within {@code bridge.auth.expiry-margin} (default 60 s; per system
 * {@code bridge.<system>.auth.expiry-margin}) counts as expired, so no call leaves with a token that dies
 * on the way.
 */
public final class Tokens {

    private static final Logger LOG = LoggerFactory.getLogger(Tokens.class);
    private static final Duration DEFAULT_MARGIN = Duration.ofSeconds(60);

    /** The variable in which camel-caffeine's {@code variableReceive} tells whether the cache held the key. */
    private static final String CACHE_PUT = "bridgeCachePut";
    private static final String CACHE_REPLY_HEADERS = "header:" + BridgeNames.TOKEN + ".";
    private static final String TOKEN_FOUND = CACHE_REPLY_HEADERS + "CamelCaffeineActionHasResult";

    private final SystemSettings settings;
    private final Clock clock;
    private final Cache<String, String> cache;
    private final AuthStats stats;

    /** Creates the token checks over the shared token cache, counting into {@code stats}. */
    public Tokens(SystemSettings settings, Clock clock, Cache<String, String> cache, AuthStats stats) {
        this.settings = settings;
        this.clock = clock;
        this.cache = cache;
        this.stats = stats;
    }

    /**
     * Tells whether the caller needs a login: no token cached, or one that expires within the margin. Counts a
     * cache hit or miss for the system.
     */
    public boolean needsLogin(@Variable(BridgeNames.SYSTEM) String system,
                              @Variable(BridgeNames.TOKEN) String tokenJson,
                              @Variable(TOKEN_FOUND) Boolean found) {
        boolean needed = stillNeedsLogin(system, tokenJson, found);
        if (needed) {
            stats.cacheMiss(system);
        } else {
            stats.cacheHit(system);
        }
        return needed;
    }

    /** The same check as {@link #needsLogin}, made again behind the login gate; it counts nothing. */
    public boolean stillNeedsLogin(@Variable(BridgeNames.SYSTEM) String system,
                                   @Variable(BridgeNames.TOKEN) String tokenJson,
                                   @Variable(TOKEN_FOUND) Boolean found) {
        if (!Boolean.TRUE.equals(found) || tokenJson == null || tokenJson.isBlank()) {
            return true;
        }
        try {
            return !Token.fromJson(tokenJson).usableAt(clock.instant(), margin(system));
        } catch (BridgeException e) {
            LOG.warn("{}: {}; logging in again", Logins.label(system), e.getMessage());
            return true;
        }
    }

    /** Removes the cache replies that {@code variableReceive} left as variables on the caller's exchange. */
    public void tidy(Exchange exchange) {
        exchange.getVariables().keySet().removeIf(name -> name.startsWith(CACHE_REPLY_HEADERS)
                || name.equals(CACHE_PUT) || name.startsWith("header:" + CACHE_PUT + "."));
    }

    /** Sets every header of the token in the exchange variable, leaving body and other headers. */
    public void apply(Exchange exchange) {
        Token token = Token.fromJson(exchange.getVariable(BridgeNames.TOKEN, String.class));
        token.headers().forEach(exchange.getMessage()::setHeader);
        LOG.debug("{} call authorised with token {}", Logins.label(token.system()), token.fingerprint());
    }

    /** Removes the headers that {@link #apply} set, so no credential stays on the message after the call. */
    public void strip(Exchange exchange) {
        String tokenJson = exchange.getVariable(BridgeNames.TOKEN, String.class);
        if (tokenJson != null) {
            Token.fromJson(tokenJson).headers().keySet().forEach(exchange.getMessage()::removeHeader);
        }
    }

    /**
     * Drops the system's cached token after the system answered 401, but only when it is still the token that
     * was sent: another caller may have renewed it meanwhile, and that newer token must stay.
     */
    public void dropIfSent(@Variable(BridgeNames.SYSTEM) String system,
                           @Variable(BridgeNames.TOKEN) String sentTokenJson) {
        if (sentTokenJson != null && cache.asMap().remove(system, sentTokenJson)) {
            stats.tokenDropped(system);
            LOG.info("{} rejected token {}: dropped it from the cache", Logins.label(system),
                    Token.fromJson(sentTokenJson).fingerprint());
        }
    }

    private Duration margin(String system) {
        Duration global = settings.globalDuration("auth.expiry-margin", DEFAULT_MARGIN);
        return settings.duration(system, "auth.expiry-margin", global);
    }
}
