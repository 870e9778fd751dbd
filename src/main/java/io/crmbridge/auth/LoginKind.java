package io.crmbridge.auth;

import io.crmbridge.SystemSettings;

import java.time.Clock;

/**
 * One way of logging in to an external system, chosen per system by {@code bridge.<system>.auth.kind}.
 */
public interface LoginKind {

    /** The name used in {@code bridge.<system>.auth.kind}. */
    String name();

    /**
     * Logs in once and returns the credential with its expiry.
     *
     * @throws LoginException when the system refuses or answers something unusable
     */
    Token login(String system, SystemSettings settings, LoginTransport transport, Clock clock);
}
