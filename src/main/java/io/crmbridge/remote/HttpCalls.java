package io.crmbridge.remote;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.core5.http.ConnectionRequestTimeoutException;
import org.apache.hc.core5.http.ProtocolException;

import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
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
import javax.net.ssl.SSLException;

/**
 * Small helpers for the camel-http calls the bridge makes: the two endpoints, reply decoding and error wording.
 */
public final class HttpCalls {

    /**
     * The camel-http endpoint of every call the bridge makes, set in {@code bridge.http.endpoint}: one endpoint for
     * all systems, http and https alike, so all go through the {@code http} component and its settings (timeouts,
     * pool sizes, TLS). The request's URL travels in {@link Exchange#HTTP_URI}, which camel-http sends to in place
     * of the endpoint's own address. Non-2xx replies are returned rather than thrown, redirects are not followed,
     * and no cookie is kept: a cookie is sent only when the cached token holds it.
     */
    public static final String ENDPOINT = "{{bridge.http.endpoint}}";

    /**
     * The endpoint of login requests: as {@link #ENDPOINT}, but its reply carries the server's headers only, not
     * the request's, so the credentials sent never appear among the reply headers.
     */
    public static final String LOGIN_ENDPOINT = ENDPOINT + "&copyHeaders=false";

    private HttpCalls() {
    }

    /**
     * Checks that a URL names an http or https server, as the bridge's one endpoint needs it to.
     *
     * @throws IllegalArgumentException otherwise
     */
    public static void requireHttpUrl(String url) {
        boolean absolute = url != null && (url.regionMatches(true, 0, "http://", 0, 7) && url.length() > 7
                || url.regionMatches(true, 0, "https://", 0, 8) && url.length() > 8);
        if (!absolute) {
            // Whatever this is, a setting pasted in the wrong place perhaps, its query helps nobody here.
            throw new IllegalArgumentException("Not an absolute http(s) URL: " + redactedLoginUrl(url));
        }
    }

    /**
     * Returns a URL as an error message or a log line may show it: its user-info ({@code user:password@})
     * becomes {@code ***@}, the rest stays, query included. Call it only when writing such a message, never on
     * a call that succeeds.
     */
    public static String redactedUrl(String url) {
        return redacted(url, true);
    }

    /**
     * Returns a login URL (a token URL, a login URL, or one built for a login) as a message may show it: as
     * {@link #redactedUrl}, and without its query and fragment, where identity servers sometimes take keys.
     */
    public static String redactedLoginUrl(String url) {
        return redacted(url, false);
    }

    /**
     * Takes the user-info to end at the last {@code @} after the scheme, not at the first {@code /}, so that no
     * part of a password pasted without percent-encoding (holding {@code /} or {@code @}) is shown. A data URL
     * whose path or query holds a raw {@code @} therefore shows less than it could, never more.
     */
    private static String redacted(String url, boolean keepQuery) {
        if (url == null) {
            return "null";
        }
        int scheme = url.indexOf("://");
        int from = scheme < 0 ? 0 : scheme + 3;
        int at = url.lastIndexOf('@');
        int query = from;
        while (query < url.length() && url.charAt(query) != '?' && url.charAt(query) != '#') {
            query++;
        }
        if (!keepQuery && at > query) {
            // A password holding ? or #, or a query holding @: either way the query may show through.
            return url.substring(0, from) + "***";
        }
        String userInfo = at < from ? "" : "***@";
        return url.substring(0, from) + userInfo + url.substring(at < from ? from : at + 1,
                keepQuery ? url.length() : query);
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
            if (cause instanceof ProtocolException && String.valueOf(cause.getMessage()).contains("userinfo")) {
                return "the URL holds user-info (user:password@), which the HTTP client refuses to send: take it "
                        + "out of the URL and give the credentials in the system's auth settings";
            }
            if (cause instanceof SSLException) {
                return "TLS handshake failed (an https server whose certificate is trusted and names this host?"
                        + " See the TLS settings in the README)";
            }
            cause = cause.getCause();
        }
        return "network error (" + error.getClass().getSimpleName() + ")";
    }

    /**
     * Tells whether a request that failed with {@code error}, without an answer, may have reached the server: it
     * did not when no connection was made (refused, unknown host, no route, none free or made in time); after a
     * timeout waiting for the answer, or a connection dropped midway, the server may have acted on it.
     */
    public static boolean mayHaveReachedTheServer(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConnectException || cause instanceof NoRouteToHostException
                    || cause instanceof UnknownHostException || cause instanceof ConnectTimeoutException
                    || cause instanceof ConnectionRequestTimeoutException) {
                return false;
            }
        }
        return true;
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
