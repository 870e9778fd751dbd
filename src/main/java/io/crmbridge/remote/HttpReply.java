package io.crmbridge.remote;

import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What an HTTP server answered: status, content type, body text and response headers.
 *
 * <p>Headers may hold credentials ({@code Set-Cookie} of a login), so {@link #toString()} names them without
 * their values.
 *
 * @param status      the HTTP status code
 * @param contentType the {@code Content-Type} header, or an empty string
 * @param body        the body decoded as text, or an empty string
 * @param headers     the response headers, names matched without regard to case, each with all its values in
 *                    the order received
 */
public record HttpReply(int status, String contentType, String body, Map<String, List<String>> headers) {

    /** Keeps the headers unmodifiable and looked up without regard to case. */
    public HttpReply {
        Map<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.forEach((name, values) -> copy.put(name, List.copyOf(values)));
        headers = Collections.unmodifiableMap(copy);
    }

    /** Creates a reply whose headers are not needed. */
    public HttpReply(int status, String contentType, String body) {
        this(status, contentType, body, Map.of());
    }

    /** Returns every value of a response header, such as each {@code Set-Cookie}; empty when absent. */
    public List<String> headerValues(String name) {
        return headers.getOrDefault(name, List.of());
    }

    /** Tells whether the status is 2xx. */
    public boolean isSuccess() {
        return status >= 200 && status < 300;
    }

    /** Tells whether the body claims to be JSON. */
    public boolean isJson() {
        return contentType.toLowerCase(Locale.ROOT).contains("json");
    }

    @Override
    public String toString() {
        return "HttpReply[status=" + status + ", contentType=" + contentType + ", body=" + body.length()
                + " chars, headers=" + headers.keySet() + "]";
    }
}
