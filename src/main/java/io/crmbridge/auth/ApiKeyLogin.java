package io.crmbridge.auth;

import io.crmbridge.BridgeException;
import io.crmbridge.SystemSettings;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A static API key sent in a header ({@code bridge.<system>.auth.header}, default {@code X-API-Key}); no
 * request is made, and the key never expires ({@link Token#NEVER}).
 */
public final class ApiKeyLogin implements LoginKind {

    /** The kind name used in {@code bridge.<system>.auth.kind}. */
    public static final String NAME = "api-key";

    private static final String DEFAULT_HEADER = "X-API-Key";
    /** The characters RFC 9110 allows in a header name. */
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void checkSettings(String system, SystemSettings settings) {
        header(settings, system);
        settings.required(system, "auth.api-key");
    }

    @Override
    public Token login(String system, SystemSettings settings, LoginTransport transport, Clock clock) {
        String header = header(settings, system);
        String key = settings.required(system, "auth.api-key");
        Instant now = clock.instant();
        return Token.ofHeaders(system, NAME, key, Map.of(header, key), Token.NEVER, now);
    }

    private static String header(SystemSettings settings, String system) {
        String header = settings.optional(system, "auth.header").orElse(DEFAULT_HEADER);
        if (!HEADER_NAME.matcher(header).matches()) {
            throw new BridgeException("Setting bridge." + system + ".auth.header must be an HTTP header name"
                    + LoginAnswers.NOT_SHOWN);
        }
        return header;
    }
}
