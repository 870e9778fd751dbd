package io.crmbridge.auth;

import com.github.benmanes.caffeine.cache.Cache;
import io.crmbridge.BridgeException;
import io.crmbridge.BridgeNames;
import io.crmbridge.SystemSettings;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides whether a cached token can still be used, and puts its headers (such as {@code Authorization}) on the
 * exchange.
 *
 * <p>A token expiring within {@code bridge.auth.expiry-margin} (default 60 s, at most a quarter of its lifetime;
 * per system {@code bridge.<system>.auth.expiry-margin}) counts as expired, so no call leaves with a token that
 * dies on the way. A token in the last {@code bridge.auth.renewal-window} of the time it can be used (default
 * 20 %) is still used, and a background renewal replaces it before anyone has to wait for a login.
 */
public final class Tokens {

    private static final Logger LOG = LoggerFactory.getLogger(Tokens.class);
    private static final Duration DEFAULT_MARGIN = Duration.ofSeconds(60);
    private static final int DEFAULT_RENEWAL_WINDOW_PERCENT = 20;

    /** Settings whose values decide which credential a token belongs to; a secret enters only as a hash. */
    private static final List<String> CREDENTIAL_SETTINGS = List.of("auth.kind", "base-url", "database",
            "auth.token-url", "auth.login-url", "auth.client-id", "auth.client-secret", "auth.client-auth",
            "auth.scope", "auth.audience", "auth.login", "auth.password", "auth.company", "auth.api-key",
            "auth.header");

    private static final String CACHE_PUT = "bridgeCachePut";
    /** The header camel-caffeine reads the cache key from. */
    private static final String CAFFEINE_KEY = "CamelCaffeineKey";
    /** The header in which camel-caffeine answers whether the cache held the key. */
    private static final String CAFFEINE_HAS_RESULT = "CamelCaffeineActionHasResult";
    private static final String CAFFEINE_SUCCEEDED = "CamelCaffeineActionSucceeded";
    /**
     * The headers camel-caffeine reads before its endpoint settings, and the two it answers in. A caller using a
     * cache of its own may carry them; the first four would turn the bridge's cache reads and writes into other
     * actions on other keys and values, and the answers of a cache read would overwrite the last two.
     */
    private static final List<String> CAFFEINE_HEADERS = List.of("CamelCaffeineAction", CAFFEINE_KEY,
            "CamelCaffeineKeys", "CamelCaffeineValue", CAFFEINE_HAS_RESULT, CAFFEINE_SUCCEEDED);
    /** What direct:auth holds aside for the caller from {@link #locate} until it gives it back. */
    private static final String HELD_ASIDE = "bridgeCallersHeldAside";
    /** What auth-login's cache read found; it becomes {@link BridgeNames#TOKEN} only if it can be used. */
    private static final String CACHED_TOKEN = "bridgeCachedToken";
    private static final String CACHE_REPLY_HEADERS = "header:" + CACHED_TOKEN + ".";
    /** The variable in which the {@code variableReceive} of auth-login's cache read tells whether it found the key. */
    private static final String CACHED_TOKEN_FOUND = CACHE_REPLY_HEADERS + CAFFEINE_HAS_RESULT;

    private final SystemSettings settings;
    private final Clock clock;
    private final Cache<String, String> cache;
    private final AuthStats stats;
    private final Logins logins;
    private final Renewals renewals;
    private final Map<String, String> cacheKeys = new ConcurrentHashMap<>();
    private final Map<String, Policy> policies = new ConcurrentHashMap<>();
    /** The last token JSON read per system and its parsed form: the hit path then parses nothing. */
    private final Map<String, Parsed> parsed = new ConcurrentHashMap<>();

    /** Creates the token checks over the shared token cache. */
    public Tokens(SystemSettings settings, Clock clock, Cache<String, String> cache, AuthStats stats, Logins logins,
                  Renewals renewals) {
        this.settings = settings;
        this.clock = clock;
        this.cache = cache;
        this.stats = stats;
        this.logins = logins;
        this.renewals = renewals;
    }

    /**
     * Returns the cache key of the system's token: the system name and a fingerprint of its credential settings,
     * so a token obtained with other settings (another client, scope or secret) is never handed out.
     */
    public String cacheKey(String system) {
        return cacheKeys.computeIfAbsent(system, this::fingerprintedKey);
    }

    /**
     * Reads the system's expiry margin and the renewal window now, so a mistyped one fails at start naming the
     * setting: read first on a cache hit, it would make every token unusable and every call log in again.
     */
    public void requireSettings(String system) {
        policy(system);
    }

    /**
     * Puts the cache key of the system named in the exchange into variable {@link BridgeNames#TOKEN_KEY} and into
     * header {@code CamelCaffeineKey}, where the cache endpoint reads it. The caller's body, which the cache read
     * replaces with its answer, is held aside until {@link #useCached} has taken the answer; the caller's own
     * camel-caffeine headers until the credential is applied, or {@link #tidy} runs after a failure.
     */
    public void locate(Exchange exchange) {
        String key = cacheKey(exchange.getVariable(BridgeNames.SYSTEM, String.class));
        exchange.setVariable(BridgeNames.TOKEN_KEY, key);
        Message message = exchange.getMessage();
        HeldAside held = new HeldAside(message.getBody());
        for (String name : CAFFEINE_HEADERS) {
            held.keep(name, message.removeHeader(name));
        }
        exchange.setVariable(HELD_ASIDE, held);
        message.setHeader(CAFFEINE_KEY, key);
    }

    /**
     * Takes the answer of the cache read from the message, giving the caller's body back, and uses the cached
     * token when it can still be used: it goes into variable {@link BridgeNames#TOKEN}, its headers on the exchange
     * as {@link #apply} puts them, and a token in its renewal window starts a background renewal. Otherwise
     * variable {@link BridgeNames#NEEDS_LOGIN} tells the route to log in first. Counts a cache hit or miss.
     *
     * @throws LoginException at once, while the system waits after failed logins and has no usable token
     */
    public void useCached(Exchange exchange) {
        String system = exchange.getVariable(BridgeNames.SYSTEM, String.class);
        Object answer = exchange.getVariable(HELD_ASIDE) instanceof HeldAside held
                ? held.takeAnswer(exchange.getMessage()) : null;
        String tokenJson = answer instanceof String json ? json : null;

        Parsed cached = readable(system, tokenJson, true);
        Instant now = clock.instant();
        if (cached != null && now.isBefore(cached.usableUntil)) {
            exchange.setVariable(BridgeNames.TOKEN, tokenJson);
            stats.cacheHit(system);
            if (!now.isBefore(cached.renewFrom)) {
                renewals.startIfIdle(system, exchange.getVariable(BridgeNames.TOKEN_KEY, String.class),
                        cached.token);
            }
            apply(exchange, cached.token);
            return;
        }
        stats.cacheMiss(system);
        try {
            logins.failIfWaiting(system);
        } catch (LoginException waiting) {
            tidy(exchange);
            throw waiting;
        }
        exchange.setVariable(BridgeNames.NEEDS_LOGIN, Boolean.TRUE);
    }

    /**
     * The check made again behind the login gate, where another caller may just have logged in: a login is
     * needed for an unusable token, and for a background renewal also for a token in its renewal window.
     * Otherwise the token the cache read found goes into variable {@link BridgeNames#TOKEN}, to be applied.
     */
    public void recheck(Exchange exchange) {
        String system = exchange.getVariable(BridgeNames.SYSTEM, String.class);
        String tokenJson = Boolean.TRUE.equals(exchange.getVariable(CACHED_TOKEN_FOUND))
                ? exchange.getVariable(CACHED_TOKEN, String.class) : null;
        exchange.removeVariable(CACHED_TOKEN);
        // useCached has already warned about an unreadable token, if this caller came through it
        Parsed cached = readable(system, tokenJson, false);
        Instant now = clock.instant();
        boolean needed = cached == null || !now.isBefore(cached.usableUntil)
                || Boolean.TRUE.equals(exchange.getVariable(BridgeNames.RENEW)) && !now.isBefore(cached.renewFrom);
        exchange.setVariable(BridgeNames.NEEDS_LOGIN, needed);
        if (!needed) {
            exchange.setVariable(BridgeNames.TOKEN, tokenJson);
        }
    }

    /**
     * Sets every header of the token in the exchange variable, leaving body and other headers, and removes what
     * the cache look-up left on the caller's exchange: the header {@code CamelCaffeineKey}, and the replies of
     * auth-login's cache read and write, which {@code variableReceive} kept as variables. The caller's own
     * camel-caffeine headers, if it had any, are put back.
     */
    public void apply(Exchange exchange) {
        String system = exchange.getVariable(BridgeNames.SYSTEM, String.class);
        apply(exchange, parse(system, exchange.getVariable(BridgeNames.TOKEN, String.class)).token);
        removeCacheReplies(exchange);
    }

    /** Puts the token's headers on and gives back what locate held aside; a cache hit leaves no cache replies. */
    private void apply(Exchange exchange, Token token) {
        token.headers().forEach(exchange.getMessage()::setHeader);
        giveBackHeldAside(exchange);
        if (LOG.isDebugEnabled()) {
            LOG.debug("{} call authorised with token {}", SystemSettings.label(token.system()), token.fingerprint());
        }
    }

    /**
     * Gives back whatever the look-up still holds aside, as after a failed look-up or login, when {@link #apply}
     * never ran: the caller's body, if the cache read answered in it and {@link #useCached} never took the answer,
     * and the caller's camel-caffeine headers in place of the bridge's cache key; and removes the cache replies
     * kept as variables. It only undoes what is still undone, so it may run after a success, and more than once.
     */
    public void tidy(Exchange exchange) {
        giveBackHeldAside(exchange);
        removeCacheReplies(exchange);
    }

    /**
     * Removes the headers of the token in the exchange variable and the variable itself, so no credential stays
     * on the exchange after the call, then gives back what {@link #tidy} gives back.
     */
    public void strip(Exchange exchange) {
        if (exchange.getVariable(BridgeNames.TOKEN) instanceof String tokenJson) {
            String system = exchange.getVariable(BridgeNames.SYSTEM, String.class);
            try {
                parse(system, tokenJson).token.headers().keySet().forEach(exchange.getMessage()::removeHeader);
            } catch (BridgeException unreadable) {
                exchange.getMessage().removeHeader("Authorization");
            }
            exchange.removeVariable(BridgeNames.TOKEN);
        }
        tidy(exchange);
    }

    /**
     * Drops the token that was sent after the system answered 401: from the exchange, so a failed login after it
     * leaves no rejected credential behind, and from the cache, but there only when it is still the cached token:
     * another caller may have renewed it meanwhile, and that newer token must stay.
     */
    public void dropIfSent(Exchange exchange) {
        String system = exchange.getVariable(BridgeNames.SYSTEM, String.class);
        String cacheKey = exchange.getVariable(BridgeNames.TOKEN_KEY, String.class);
        String sentTokenJson = exchange.getVariable(BridgeNames.TOKEN, String.class);
        strip(exchange);
        if (sentTokenJson != null && cache.asMap().remove(cacheKey, sentTokenJson)) {
            stats.tokenDropped(system);
            LOG.info("{} rejected token {}: dropped it from the cache", SystemSettings.label(system),
                    Token.fromJson(sentTokenJson).fingerprint());
        }
    }

    /**
     * Ends what {@link #locate} began, if it has not ended yet: removes the bridge's cache key and puts back the
     * caller's body, if still held, and the caller's own camel-caffeine headers. Running it twice changes nothing.
     */
    private static void giveBackHeldAside(Exchange exchange) {
        if (exchange.removeVariable(HELD_ASIDE) instanceof HeldAside held) {
            Message message = exchange.getMessage();
            // While the look-up holds the caller's headers, the cache key and any answer header are the bridge's.
            message.removeHeader(CAFFEINE_KEY);
            held.takeAnswer(message);
            held.giveBackHeaders(message);
        }
    }

    /**
     * Removes the replies of the cache endpoints that {@code variableReceive} kept as variables. Only auth-login
     * makes such replies, and a caller reaches it with variable {@link BridgeNames#NEEDS_LOGIN} set, so on a cache
     * hit the exchange's variables are not searched.
     */
    private static void removeCacheReplies(Exchange exchange) {
        if (exchange.getVariable(BridgeNames.NEEDS_LOGIN) == null && exchange.getVariable(CACHED_TOKEN_FOUND) == null
                && exchange.getVariable(CACHED_TOKEN) == null && exchange.getVariable(CACHE_PUT) == null) {
            return;
        }
        exchange.getVariables().keySet().removeIf(name -> name.equals(CACHED_TOKEN)
                || name.startsWith(CACHE_REPLY_HEADERS) || name.equals(CACHE_PUT)
                || name.startsWith("header:" + CACHE_PUT + ".") || name.equals(BridgeNames.NEEDS_LOGIN));
    }

    /** Parses a cached token, or gives null for none; an unreadable one counts as none, with a warning if asked. */
    private Parsed readable(String system, String tokenJson, boolean warn) {
        if (tokenJson == null || tokenJson.isBlank()) {
            return null;
        }
        try {
            return parse(system, tokenJson);
        } catch (BridgeException e) {
            if (warn) {
                LOG.warn("{}: {}; logging in again", SystemSettings.label(system), e.getMessage());
            }
            return null;
        }
    }

    private Parsed parse(String system, String tokenJson) {
        Parsed last = parsed.get(system);
        if (last != null && last.json.equals(tokenJson)) {
            return last;
        }
        Token token = Token.fromJson(tokenJson);
        Parsed fresh = policy(system).times(tokenJson, token);
        parsed.put(system, fresh);
        return fresh;
    }

    /** Settings are read once per system: the hit path resolves no property. */
    private Policy policy(String system) {
        return policies.computeIfAbsent(system, key -> {
            Duration global = settings.globalDuration("auth.expiry-margin", DEFAULT_MARGIN);
            return new Policy(settings.duration(key, "auth.expiry-margin", global), renewalWindowPercent());
        });
    }

    private int renewalWindowPercent() {
        String value = settings.global("auth.renewal-window").orElse(DEFAULT_RENEWAL_WINDOW_PERCENT + "%");
        String digits = value.endsWith("%") ? value.substring(0, value.length() - 1).trim() : value;
        int percent = digits.matches("\\d{1,2}") ? Integer.parseInt(digits) : -1;
        if (percent < 0) {
            throw new BridgeException("Setting bridge.auth.renewal-window must be a percentage from 0% to 99%, "
                    + "not '" + value + "'");
        }
        return percent;
    }

    private String fingerprintedKey(String system) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (String key : CREDENTIAL_SETTINGS) {
                String value = settings.optional(system, key).orElse("");
                digest.update((key + "=" + value + "\n").getBytes(StandardCharsets.UTF_8));
            }
            return system + ":" + HexFormat.of().formatHex(digest.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
    }

    /** The caller's body and camel-caffeine headers, from {@link #locate} until they are given back. */
    private static final class HeldAside {

        private Object body;
        private boolean bodyHeld = true;
        private Map<String, Object> headers;

        HeldAside(Object body) {
            this.body = body;
        }

        void keep(String header, Object value) {
            if (value != null) {
                headers = headers == null ? new HashMap<>() : headers;
                headers.put(header, value);
            }
        }

        /**
         * Takes what the cache read answered in the message, the first time only: removes its two answer headers,
         * gives the caller's body back, and returns the cached value, or null when the cache did not hold the key
         * (camel-caffeine then leaves the body alone).
         */
        Object takeAnswer(Message message) {
            if (!bodyHeld) {
                return null;
            }
            boolean found = Boolean.TRUE.equals(message.removeHeader(CAFFEINE_HAS_RESULT));
            message.removeHeader(CAFFEINE_SUCCEEDED);
            Object answer = found ? message.getBody() : null;
            message.setBody(body);
            body = null;
            bodyHeld = false;
            return answer;
        }

        void giveBackHeaders(Message message) {
            if (headers != null) {
                headers.forEach(message::setHeader);
            }
        }
    }

    /** A token with the two instants the hit path compares the clock with, worked out once per token. */
    private record Parsed(String json, Token token, Instant usableUntil, Instant renewFrom) {
    }

    /**
     * How close to its expiry a system's token may be used, and when its renewal starts.
     *
     * <p>The margin is at most a quarter of the token's lifetime, so a short-lived token is still used for most
     * of its life instead of causing a login per call. The renewal window is the last part of the time the token
     * can be used, so the renewal starts while callers still have a usable token.
     */
    private record Policy(Duration margin, int renewalWindowPercent) {

        /** The token can be used before {@code usableUntil}; from {@code renewFrom} on it is renewed. */
        Parsed times(String json, Token token) {
            Duration quarter = Duration.between(token.obtainedAt(), token.expiresAt()).dividedBy(4);
            Instant usableUntil = token.expiresAt().minus(margin.compareTo(quarter) > 0 ? quarter : margin);
            long usable = Duration.between(token.obtainedAt(), usableUntil).toMillis();
            return new Parsed(json, token, usableUntil, usableUntil.minusMillis(usable / 100 * renewalWindowPercent));
        }
    }
}
