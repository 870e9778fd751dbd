package io.crmbridge.auth;

import com.fasterxml.jackson.databind.JsonNode;
import io.crmbridge.SystemSettings;
import io.crmbridge.logging.LogSecrets;
import io.crmbridge.remote.HttpReply;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What several login kinds read alike from settings and login answers: URLs, numbers, cookies, lifetimes.
 */
final class LoginAnswers {

    /**
     * Ends the error about an unreadable login setting: a secret pasted into the wrong setting would otherwise show
     * in the error.
     */
    static final String NOT_SHOWN = "; its value is not shown, as it may hold credentials";

    private static final int MAX_MESSAGE = 200;

    private LoginAnswers() {
    }

    /** Returns {@code auth.login-url} if set, else the system's {@code base-url} followed by {@code path}. */
    static String loginUrl(SystemSettings settings, String system, String path) {
        return settings.optional(system, "auth.login-url").orElseGet(() -> {
            String base = settings.required(system, "base-url");
            return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + path;
        });
    }

    /** Reads a JSON number or a numeric string; empty when the field holds anything else. */
    static Optional<BigDecimal> decimal(JsonNode field) {
        if (field.isNumber()) {
            return Optional.of(field.decimalValue());
        }
        if (!field.isTextual()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new BigDecimal(field.asText().trim()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * Turns an amount of seconds, possibly with a fraction, into a duration; an amount too large for a duration
     * becomes a thousand years, which the login's lifetime check then refuses.
     */
    static Duration seconds(BigDecimal seconds) {
        try {
            return Duration.ofMillis(seconds.movePointRight(3).setScale(0, RoundingMode.DOWN).longValueExact());
        } catch (ArithmeticException tooLarge) {
            return Duration.ofDays(366_000);
        }
    }

    /**
     * Reads the cookies a login set: name to value, in the order received, a later cookie of the same name
     * winning and cookies set to an empty value (deleted) left out.
     */
    static Map<String, String> cookies(HttpReply reply) {
        Map<String, String> cookies = new LinkedHashMap<>();
        for (String header : reply.headerValues("Set-Cookie")) {
            String pair = header.split(";", 2)[0];
            int equals = pair.indexOf('=');
            if (equals <= 0) {
                continue;
            }
            String name = pair.substring(0, equals).trim();
            String value = pair.substring(equals + 1).trim();
            if (value.isEmpty()) {
                cookies.remove(name);
            } else {
                cookies.put(name, value);
            }
        }
        return cookies;
    }

    /** Writes cookies as one {@code Cookie} request header value. */
    static String cookieHeader(Map<String, String> cookies) {
        return cookies.entrySet().stream().map(cookie -> cookie.getKey() + "=" + cookie.getValue())
                .collect(Collectors.joining("; "));
    }

    /**
     * Shortens a server's message to one line fit for an error sentence, with every secret the bridge knows (a
     * password a server may repeat back) masked as log lines mask it, in any case, also where the server broke it
     * over lines.
     */
    static String shortMessage(String message) {
        String line = LogSecrets.maskIgnoringCase(message).replaceAll("\\s+", " ").trim();
        line = LogSecrets.maskIgnoringCase(line);
        return line.length() > MAX_MESSAGE ? line.substring(0, MAX_MESSAGE) + "..." : line;
    }

    /** Names a content type for an error sentence. */
    static String describe(String contentType) {
        return contentType.isBlank() ? "no content type" : contentType;
    }
}
