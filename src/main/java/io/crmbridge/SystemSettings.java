package io.crmbridge;

import io.crmbridge.logging.LogSecrets;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.util.TimeUtils;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads the settings of one external system, all named {@code bridge.<system>.<key>}, from Camel's properties.
 *
 * <p>Properties come from {@code application.properties}, system properties and environment variables
 * ({@code BRIDGE_CRM_AUTH_CLIENT_SECRET} for {@code bridge.crm.auth.client-secret}).
 */
public final class SystemSettings {

    private final PropertiesComponent properties;

    /** Returns the name of a system as messages and logs write it: {@code crm} becomes {@code CRM}. */
    public static String label(String system) {
        return system.toUpperCase(Locale.ROOT);
    }

    /** Creates settings backed by the properties of a Camel context. */
    public SystemSettings(CamelContext context) {
        this.properties = context.getPropertiesComponent();
    }

    /**
     * Returns a bridge-wide setting such as {@code bridge.auth.expiry-margin}, if set and not blank; the value
     * of a {@linkplain LogSecrets#isSecretKey secret setting} is registered so that logs mask it.
     */
    public Optional<String> global(String key) {
        Optional<String> value = properties.resolveProperty("bridge." + key).map(String::trim)
                .filter(text -> !text.isEmpty());
        if (LogSecrets.isSecretKey(key)) {
            value.ifPresent(secret -> LogSecrets.addSecret(key, secret));
        }
        return value;
    }

    /** Returns a setting of a system, if set and not blank. */
    public Optional<String> optional(String system, String key) {
        return global(system + "." + key);
    }

    /** Returns a setting of a system, or fails with an error naming the missing property. */
    public String required(String system, String key) {
        return optional(system, key).orElseThrow(() -> new BridgeException(
                "Missing setting bridge." + system + "." + key + " for system '" + system + "'"));
    }

    /** Returns a duration such as {@code 60s}, {@code 5m} or {@code 1h30m} set for a system. */
    public Duration duration(String system, String key, Duration fallback) {
        return optional(system, key).map(value -> parseDuration("bridge." + system + "." + key, value))
                .orElse(fallback);
    }

    /** Returns a bridge-wide duration setting. */
    public Duration globalDuration(String key, Duration fallback) {
        return global(key).map(value -> parseDuration("bridge." + key, value)).orElse(fallback);
    }

    /** Returns an integer setting of a system. */
    public int integer(String system, String key, int fallback) {
        String name = "bridge." + system + "." + key;
        return optional(system, key).map(value -> {
            try {
                return Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new BridgeException("Setting " + name + " must be a whole number, not '" + value + "'");
            }
        }).orElse(fallback);
    }

    private static Duration parseDuration(String name, String value) {
        try {
            if (value.startsWith("P") || value.startsWith("p")) {
                return Duration.parse(value);
            }
            return Duration.ofMillis(TimeUtils.toMilliSeconds(value));
        } catch (RuntimeException e) {
            throw new BridgeException("Setting " + name + " must be a duration such as 60s or 5m, not '" + value + "'");
        }
    }
}
