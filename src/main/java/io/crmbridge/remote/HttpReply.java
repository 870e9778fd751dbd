package io.crmbridge.remote;

/**
 * What an HTTP server answered: status, content type and body text.
 *
 * @param status      the HTTP status code
 * @param contentType the {@code Content-Type} header, or an empty string
 * @param body        the body decoded as text, or an empty string
 */
public record HttpReply(int status, String contentType, String body) {

    /** Tells whether the status is 2xx. */
    public boolean isSuccess() {
        return status >= 200 && status < 300;
    }

    /** Tells whether the body claims to be JSON. */
    public boolean isJson() {
        return contentType.toLowerCase(java.util.Locale.ROOT).contains("json");
    }

    @Override
    public String toString() {
        return "HttpReply[status=" + status + ", contentType=" + contentType + ", body=" + body.length() + " chars]";
    }
}
