package io.crmbridge.auth;

import io.crmbridge.SystemSettings;
import io.crmbridge.BridgeException;
import io.crmbridge.BridgeNames;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Renews a system's token in the background once it enters the last part of its life, one renewal per system
 * at a time, while callers go on using the token that is still valid.
 */
public final class Renewals {

    private static final Logger LOG = LoggerFactory.getLogger(Renewals.class);

    private final ProducerTemplate template;
    private final Executor executor;
    private final Logins logins;
    private final Set<String> running = ConcurrentHashMap.newKeySet();

    /** Creates renewals that run the login route on {@code executor}. */
    public Renewals(ProducerTemplate template, Executor executor, Logins logins) {
        this.template = template;
        this.executor = executor;
        this.logins = logins;
    }

    /**
     * Starts a renewal of the system's token unless one is running or the system is waiting after a failed
     * login; returns at once.
     */
    public void startIfIdle(String system, String cacheKey, Token current) {
        if (logins.waitingUntil(system).isPresent() || !running.add(system)) {
            return;
        }
        try {
            executor.execute(() -> renew(system, cacheKey, current));
        } catch (RejectedExecutionException e) {
            running.remove(system);
        }
    }

    private void renew(String system, String cacheKey, Token current) {
        try {
            Exchange result = template.request(BridgeNames.LOGIN_ENDPOINT, exchange -> {
                exchange.setVariable(BridgeNames.SYSTEM, system);
                exchange.setVariable(BridgeNames.TOKEN_KEY, cacheKey);
                exchange.setVariable(BridgeNames.RENEW, Boolean.TRUE);
            });
            if (result.getException() != null) {
                LOG.warn("{} token renewal failed, token {} stays in use until {}: {}", SystemSettings.label(system),
                        current.fingerprint(), current.expiresAt(), BridgeException.describe(result.getException()));
            }
        } finally {
            running.remove(system);
        }
    }
}
