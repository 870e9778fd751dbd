package io.crmbridge;

import io.crmbridge.logging.LogSecrets;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.util.TimeUtils;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads the settings of one external system, all named {@code bridge.<system>.<key>}, from Camel's properties.
 *
 * <p>Properties come from {@code application.properties}, system properties and environment variables
 * ({@code BRIDGE_CRM_AUTH_CLIENT_SECRET} for {@code bridge.crm.auth.client-secret}).
 */
public final class SystemSettings {

    /** The settings of a system that hold a URL the bridge sends requests to. */
    private static final List<String> URL_KEYS = List.of("base-url", "auth.token-url", "auth.login-url");

    private static final String NO_PORT = "has a port that is not a number from 1 to 65535";
    /** The settings that name a system: {@code bridge.<system>.auth.kind} and {@code bridge.<system>.base-url}. */
    private static final Pattern SYSTEM_KEY = Pattern.compile("bridge\\.([^.]+)\\.(auth\\.kind|base-url)");
    private static final Pattern SYSTEM_ENV = Pattern.compile("BRIDGE_([A-Z0-9]+)_(AUTH_KIND|BASE_URL)");
    /** What Camel's duration parser reads: days, hours, minutes, seconds, milliseconds, in that order, or a number. */
    private static final Pattern DURATION = Pattern.compile(
            "\\d{1,12}|(?=\\d)(\\d{1,5}d)?(\\d{1,6}h)?(\\d{1,8}m)?(\\d{1,9}s)?(\\d{1,12}ms)?");
    private static final Duration LONGEST = Duration.ofDays(36_525);

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

    /**
     * Returns {@code crm}, {@code erp} and every other system named in a {@code bridge.<system>.auth.kind} or a
     * {@code bridge.<system>.base-url}.
     */
    public List<String> systems() {
        TreeSet<String> others = new TreeSet<>();
        Stream.concat(
                properties.loadProperties(key -> SYSTEM_KEY.matcher(key).matches()).stringPropertyNames().stream(),
                // Settings may come from system properties or the environment, which loadProperties does not list.
                System.getProperties().stringPropertyNames().stream())
                .map(SYSTEM_KEY::matcher).filter(Matcher::matches).forEach(key -> others.add(key.group(1)));
        System.getenv().keySet().stream().map(SYSTEM_ENV::matcher).filter(Matcher::matches)
                .forEach(name -> others.add(name.group(1).toLowerCase(Locale.ROOT)));
        others.removeAll(List.of("crm", "erp"));
        List<String> systems = new ArrayList<>(List.of("crm", "erp"));
        systems.addAll(others);
        return List.copyOf(systems);
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

    /** Returns a duration set for a system that must be longer than zero, such as a lifetime. */
    public Duration positiveDuration(String system, String key, Duration fallback) {
        Duration duration = duration(system, key, fallback);
        if (duration.isZero()) {
            throw new BridgeException("Setting bridge." + system + "." + key + " must be a positive duration, not "
                    + duration);
        }
        return duration;
    }

    /** Returns a bridge-wide duration setting. */
    public Duration globalDuration(String key, Duration fallback) {
        return global(key).map(value -> parseDuration("bridge." + key, value)).orElse(fallback);
    }

    /** Checks that a bridge-wide setting, if set, is a whole number from {@code min} that fits an int. */
    public void requireWholeNumber(String key, int min) {
        global(key).ifPresent(value -> {
            boolean fits = value.matches("[+]?\\d{1,10}") && Long.parseLong(value) >= min
                    && Long.parseLong(value) <= Integer.MAX_VALUE;
            if (!fits) {
                throw new BridgeException("Setting bridge." + key + " must be a whole number of at least " + min
                        + ", not '" + value + "'");
            }
        });
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

    /**
     * Checks that each URL setting of a system ({@code base-url}, {@code auth.token-url}, {@code auth.login-url})
     * that is set is an absolute http or https URL naming a host and no user-info, and fails naming the first that
     * is not. The error does not show the value.
     */
    public void requireHttpUrls(String system) {
        for (String key : URL_KEYS) {
            // The value is never shown: a password typed into a URL may stand anywhere in it, encoded or not
            optional(system, key).ifPresent(value -> whyNotHttpUrl(key, value).ifPresent(problem -> {
                throw new BridgeException("Setting bridge." + system + "." + key + " must be an absolute http or "
                        + "https URL such as https://host:8443/path; its value (not shown, as it may hold "
                        + "credentials) " + problem);
            }));
        }
    }

    /**
     * Says what keeps a value from being an absolute http or https URL with a host, and a port from 1 to 65535 if
     * any, or nothing when it is one. {@code base-url} also takes no query: the bridge appends its paths to it.
     */
    private static Optional<String> whyNotHttpUrl(String key, String value) {
        if (!value.regionMatches(true, 0, "http://", 0, 7) && !value.regionMatches(true, 0, "https://", 0, 8)) {
            return Optional.of("does not start with http:// or https://");
        }
        // Before parsing: a password pasted without percent-encoding may hold / ? or #, where a URL's authority ends
        if (value.contains("@")) {
            return Optional.of("holds an @: user-info (user:password@), which the HTTP client refuses to send, "
                    + "belongs in the system's auth settings, and an @ in a path or query is written %40");
        }
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            // The exception's own message repeats the whole value.
            String where = e.getIndex() < 0 ? "" : " at character " + (e.getIndex() + 1);
            return Optional.of("is no valid URL (" + e.getReason().toLowerCase(Locale.ROOT) + where + ")");
        }
        String hostAndPort = uri.getRawAuthority() == null ? "" : uri.getRawAuthority();
        if (hostAndPort.isEmpty() || hostAndPort.startsWith(":")) {
            return Optional.of("names no host");
        }
        int colon = hostAndPort.lastIndexOf(':');
        if (colon > hostAndPort.lastIndexOf(']')) {
            String port = hostAndPort.substring(colon + 1);
            if (!port.matches("\\d{1,5}") || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
                return Optional.of(NO_PORT);
            }
        }
        if (uri.getHost() == null) {
            return Optional.of("names no host the HTTP client can reach: a name of letters, digits, dots and hyphens, "
                    + "or an IP address");
        }
        if (uri.getRawFragment() != null) {
            return Optional.of("has a fragment (#...), which is never sent");
        }
        if (key.equals("base-url") && uri.getRawQuery() != null) {
            return Optional.of("has a query (?...), where the bridge appends its paths");
        }
        return Optional.empty();
    }

    /**
     * Reads {@code 1d}, {@code 1h30m}, {@code 5m}, {@code 30s}, {@code 500ms}, a number of milliseconds, or
     * ISO-8601 such as {@code PT1M}; anything else, a negative duration or one beyond a hundred years fails naming
     * the setting (Camel's own parser reads text it does not know as zero).
     */
    private static Duration parseDuration(String name, String value) {
        Duration duration;
        try {
            if (value.startsWith("P") || value.startsWith("p")) {
                duration = Duration.parse(value);
            } else if (DURATION.matcher(value).matches()) {
                duration = Duration.ofMillis(TimeUtils.toMilliSeconds(value));
            } else {
                duration = null;
            }
        } catch (RuntimeException e) {
            duration = null;
        }
        if (duration == null || duration.isNegative() || duration.compareTo(LONGEST) > 0) {
            throw new BridgeException("Setting " + name + " must be a duration such as 60s or 5m, not '" + value + "'");
        }
        return duration;
    }
}
