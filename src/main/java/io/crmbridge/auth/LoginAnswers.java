package io.crmbridge.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.crmbridge.Json;
import io.crmbridge.SystemSettings;
import io.crmbridge.remote.HttpReply;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
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
     * Shortens a server's message to one line fit for an error sentence, with each of {@code secrets} the login
     * sent (a password a server may repeat back) written {@code ***}: as sent, URL-encoded or JSON-escaped, in any
     * case, and also where the server broke it over lines.
     */
    static String shortMessage(String message, Collection<String> secrets) {
        String line = masked(message, secrets).replaceAll("\\s+", " ").trim();
        line = masked(line, secrets.stream().map(secret -> secret.replaceAll("\\s+", " ")).toList());
        return line.length() > MAX_MESSAGE ? line.substring(0, MAX_MESSAGE) + "..." : line;
    }

    private static String masked(String text, Collection<String> secrets) {
        String result = text;
        for (String secret : secrets) {
            if (secret.isBlank()) {
                continue;
            }
            String escaped = Json.write(TextNode.valueOf(secret));
            for (String form : new LinkedHashSet<>(List.of(secret, URLEncoder.encode(secret, StandardCharsets.UTF_8),
                    escaped.substring(1, escaped.length() - 1)))) {
                result = Pattern.compile(Pattern.quote(form), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE)
                        .matcher(result).replaceAll("***");
            }
        }
        return result;
    }

    /** Names a content type for an error sentence. */
    static String describe(String contentType) {
        return contentType.isBlank() ? "no content type" : contentType;
    }
}
