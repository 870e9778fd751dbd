package io.crmbridge.simulator;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Canned failure that a test arms so the next few requests answer like a broken server or proxy. */
final class FailurePlan {

    private int remaining;
    private int status;
    private String contentType;
    private byte[] body;

    /** Arms the plan for the next {@code count} requests, replacing any earlier plan. */
    synchronized void arm(int count, int status, String contentType, String body) {
        if (count < 0 || status < 100 || status > 599) {
            throw new IllegalArgumentException("Failure plan needs a count >= 0 and an HTTP status, got "
                    + count + " and " + status);
        }
        this.remaining = count;
        this.status = status;
        this.contentType = contentType;
        this.body = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    }

    /** Answers the exchange with the canned failure if one is still armed; tells whether it did. */
    boolean answer(HttpExchange exchange) throws IOException {
        int replyStatus;
        String replyType;
        byte[] replyBody;
        synchronized (this) {
            if (remaining == 0) {
                return false;
            }
            remaining--;
            replyStatus = status;
            replyType = contentType;
            replyBody = body;
        }
        HttpSupport.body(exchange);
        HttpSupport.send(exchange, replyStatus, replyType, replyBody);
        return true;
    }
}
