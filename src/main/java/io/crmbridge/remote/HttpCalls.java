package io.crmbridge.remote;

import org.apache.camel.Exchange;
import org.apache.camel.Message;

import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Small helpers for the camel-http calls the bridge makes: endpoint choice, reply decoding and error wording.
 */
public final class HttpCalls {

    private static final String NO_COOKIE_STORE = "&cookieStore=#class:org.apache.camel.component.http.NoopCookieStore";

    private HttpCalls() {
    }

    /**
     * Returns the camel-http endpoint to send a URL to: one endpoint per scheme, host and port, with the full
     * URL given per call in {@link Exchange#HTTP_URI} and non-2xx replies returned rather than thrown.
     *
     * <p>The endpoint keeps no cookies: a cookie is sent only when the cached token holds it, never replayed by
     * the HTTP client from an earlier answer of the same host.
     */
    public static String endpointFor(String url) {
        URI uri = URI.create(url);
        String authority = uri.getRawAuthority();
        if (uri.getScheme() == null || authority == null) {
            throw new IllegalArgumentException("Not an absolute http(s) URL: " + url);
        }
        return uri.getScheme().toLowerCase(Locale.ROOT) + "://" + authority
                + "?throwExceptionOnFailure=false&followRedirects=false" + NO_COOKIE_STORE;
    }

    /**
     * Returns the origin of a URL, its scheme, host and port as written, such as {@code http://127.0.0.1:8080}:
     * the URLs of one origin share one endpoint of {@link #endpointFor}.
     */
    public static String originOf(String url) {
        int scheme = url.indexOf("://");
        if (scheme < 0) {
            throw new IllegalArgumentException("Not an absolute http(s) URL: " + url);
        }
        int end = scheme + 3;
        while (end < url.length() && "/?#".indexOf(url.charAt(end)) < 0) {
            end++;
        }
        return url.substring(0, end);
    }

    /**
     * Returns the endpoint for a login request: as {@link #endpointFor}, but its reply carries the server's
     * headers only, not the request's, so the credentials sent never appear among the reply headers.
     */
    public static String loginEndpointFor(String url) {
        return endpointFor(url) + "&copyHeaders=false";
    }

    /** Reads status, content type, body text and the server's headers (not Camel's) of a camel-http reply. */
    public static HttpReply replyOf(Message message) {
        Integer status = message.getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        String contentType = message.getHeader(Exchange.CONTENT_TYPE, "", String.class);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        message.getHeaders().forEach((name, value) -> {
            if (!name.regionMatches(true, 0, "Camel", 0, "Camel".length()) && value != null) {
                headers.put(name, valuesOf(value));
            }
        });
        return new HttpReply(status == null ? 0 : status, contentType, bodyText(message.getBody(byte[].class),
                contentType), headers);
    }

    /** Decodes a body with the charset named in its content type, UTF-8 when none is named. */
    public static String bodyText(byte[] body, String contentType) {
        if (body == null) {
            return "";
        }
        return new String(body, charsetOf(contentType));
    }

    /** Describes a failure to reach a server in words an operator understands. */
    public static String describeTransportError(Throwable error) {
        Throwable cause = error;
        while (cause != null) {
            if (cause instanceof ConnectException || cause instanceof NoRouteToHostException) {
                return "connection refused (is the server running and the URL right?)";
            }
            if (cause instanceof UnknownHostException) {
                return "unknown host";
            }
            if (cause instanceof InterruptedIOException) {
                return "no answer in time (timeout)";
            }
            cause = cause.getCause();
        }
        return "network error (" + error.getClass().getSimpleName() + ")";
    }

    /** camel-http gathers a repeated response header, such as {@code Set-Cookie}, into a list. */
    private static List<String> valuesOf(Object value) {
        if (value instanceof Iterable<?> values) {
            List<String> all = new ArrayList<>();
            values.forEach(each -> all.add(String.valueOf(each)));
            return all;
        }
        return List.of(String.valueOf(value));
    }

    private static Charset charsetOf(String contentType) {
        for (String part : contentType.split(";")) {
            String trimmed = part.trim();
            if (trimmed.toLowerCase(Locale.ROOT).startsWith("charset=")) {
                try {
                    return Charset.forName(trimmed.substring("charset=".length()).replace("\"", ""));
                } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
                    return StandardCharsets.UTF_8;
                }
            }
        }
        return StandardCharsets.UTF_8;
    }
}
