package io.crmbridge.simulator;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Small helpers shared by both simulators for reading requests and writing replies. */
final class HttpSupport {

    /** JSON mapper that keeps decimals exact in both directions, as both real systems do. */
    static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .build();

    static final String JSON_TYPE = "application/json; charset=utf-8";
    static final String HTML_TYPE = "text/html; charset=utf-8";

    private HttpSupport() {
    }

    /** Reads the whole request body, which the simulators keep small. */
    static byte[] body(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            return in.readAllBytes();
        }
    }

    /**
     * Sends a reply; a null or empty body is sent without content, as 204 and 401 need. A request observer
     * may have the connection dropped instead.
     */
    static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        if (!LoopbackServer.mayAnswer(status)) {
            exchange.close();
            return;
        }
        if (contentType != null && body != null && body.length > 0) {
            exchange.getResponseHeaders().set("Content-Type", contentType);
        }
        boolean empty = body == null || body.length == 0;
        exchange.sendResponseHeaders(status, empty ? -1 : body.length);
        if (!empty) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
        exchange.close();
    }

    /** Sends {@code value} as JSON. */
    static void sendJson(HttpExchange exchange, int status, Object value) throws IOException {
        send(exchange, status, JSON_TYPE, JSON.writeValueAsBytes(value));
    }

    /** Sends a minimal HTML page, the way a Python web framework answers HTTP errors. */
    static void sendHtml(HttpExchange exchange, int status, String title, String text) throws IOException {
        String page = "<!doctype html>\n<html lang=en>\n<title>" + status + " " + title + "</title>\n<h1>"
                + title + "</h1>\n<p>" + text + "</p>\n";
        send(exchange, status, HTML_TYPE, page.getBytes(StandardCharsets.UTF_8));
    }

    /** Makes daemon threads so a forgotten simulator never keeps the JVM alive. */
    static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
