package io.crmbridge.observe;

import java.util.List;
import java.util.Map;

/**
 * What an operator sees of the cached tokens on JMX, under {@code io.crmbridge:type=Tokens,context=<name>}.
 */
public interface TokenAdminMXBean {

    /** Returns the configured systems. */
    List<String> getSystems();

    /** Returns, per system, when its current token expires (ISO-8601 UTC), or {@code none}. */
    Map<String, String> getTokenExpiry();

    /** Returns, per system with a token, the whole seconds until it expires; negative once expired. */
    Map<String, Long> getSecondsUntilExpiry();

    /**
     * Drops the system's cached token so that the next call logs in; tells whether a token was cached.
     */
    boolean dropToken(String system);
}
