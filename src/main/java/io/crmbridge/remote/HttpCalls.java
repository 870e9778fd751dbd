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
import java.util.Locale;

/**
 * Small helpers for the camel-http calls the bridge makes: endpoint choice, reply decoding and error wording.
 */
public final class HttpCalls {

    private HttpCalls() {
    }

    /**
     * Returns the camel-http endpoint to send a URL to: one endpoint per scheme, host and port, with the full
     * URL given per call in {@link Exchange#HTTP_URI} and non-2xx replies returned rather than thrown.
     */
    public static String endpointFor(String url) {
        URI uri = URI.create(url);
        String authority = uri.getRawAuthority();
        if (uri.getScheme() == null || authority == null) {
            throw new IllegalArgumentException("Not an absolute http(s) URL: " + url);
        }
        return uri.getScheme().toLowerCase(Locale.ROOT) + "://" + authority
                + "?throwExceptionOnFailure=false&followRedirects=false";
    }

    /** Reads status, content type and body text of a camel-http reply. */
    public static HttpReply replyOf(Message message) {
        Integer status = message.getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        String contentType = message.getHeader(Exchange.CONTENT_TYPE, "", String.class);
        return new HttpReply(status == null ? 0 : status, contentType, bodyText(message.getBody(byte[].class),
                contentType));
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
