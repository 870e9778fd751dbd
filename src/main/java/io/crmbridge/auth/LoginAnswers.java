package io.crmbridge.auth;

import com.fasterxml.jackson.databind.JsonNode;
import io.crmbridge.SystemSettings;
import io.crmbridge.logging.LogSecrets;
import io.crmbridge.remote.HttpReply;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
    private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);

    private LoginAnswers() {
    }

    /** Returns {@code auth.login-url} if set, else the system's {@code base-url} followed by {@code path}. */
    static String loginUrl(SystemSettings settings, String system, String path) {
        return settings.optional(system, "auth.login-url").orElseGet(() -> {
            String base = settings.required(system, "base-url");
            return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + path;
        });
    }

    /** Tells whether a login endpoint redirected elsewhere (not 300, which offers choices, nor 304, Not Modified). */
    static boolean isRedirect(HttpReply reply) {
        return REDIRECTS.contains(reply.status());
    }

    /**
     * Says, after "answered HTTP &lt;status&gt;", what an answer that is neither a success nor a refusal of the
     * credentials means: a redirect, which the bridge does not follow, and where it points; a login endpoint busy
     * or down (429, 5xx); or an address to check, named by {@code urlSettings}.
     */
    static String unexpectedStatus(HttpReply reply, String urlSettings) {
        if (isRedirect(reply)) {
            return ", a redirect" + redirectTarget(reply) + ", which the bridge does not follow; check "
                    + urlSettings;
        }
        if (reply.status() == 429) {
            return " (too many requests): the login endpoint is busy; the bridge tries again later";
        }
        if (reply.status() >= 500) {
            return ": the login endpoint may be down, or " + urlSettings + " may be wrong";
        }
        return ": check " + urlSettings;
    }

    /** Says where a redirect points, as far as that can be shown, or whether it named no target at all. */
    static String redirectTarget(HttpReply reply) {
        List<String> locations = reply.headerValues("Location");
        if (locations.isEmpty() || locations.get(0).isBlank()) {
            return " without a Location header";
        }
        return withoutSecrets(locations.get(0).trim()).map(target -> " to " + target)
                .orElse(" with a Location header");
    }

    /**
     * Returns scheme, host, port and path of a URL, or the path of a relative one, leaving out the query, path
     * parameters and user-info, which may carry a code, a session or a secret; nothing for a value that is neither.
     */
    private static Optional<String> withoutSecrets(String location) {
        URI uri;
        try {
            uri = new URI(location);
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
        String rawPath = uri.getRawPath() == null ? "" : uri.getRawPath();
        // Path parameters (;jsessionid=...) may carry a session, an @ another URL's user-info
        String path = rawPath.indexOf(';') < 0 ? rawPath : rawPath.substring(0, rawPath.indexOf(';'));
        if (path.contains("@") || uri.getPath() != null && uri.getPath().contains("@")) {
            path = "";
        }
        if (uri.getHost() != null) {
            String port = uri.getPort() < 0 ? "" : ":" + uri.getPort();
            String scheme = uri.getScheme() == null ? "" : uri.getScheme() + ":";
            return Optional.of(scheme + "//" + uri.getHost() + port + path);
        }
        if (uri.getScheme() == null && uri.getRawAuthority() == null && !path.isEmpty()) {
            return Optional.of(path);
        }
        return Optional.empty();
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
