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

    /**
     * Reads the settings {@link #login} needs, calling nobody, so that a missing or unreadable one stops the
     * bridge's start with the setting's name instead of failing every pass.
     *
     * @throws io.crmbridge.BridgeException naming the first setting that is missing or unreadable
     */
    void checkSettings(String system, SystemSettings settings);
}
