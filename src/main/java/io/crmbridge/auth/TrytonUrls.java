package io.crmbridge.auth;

import com.fasterxml.jackson.databind.JsonNode;
import io.crmbridge.SystemSettings;

/**
 * Where a Tryton server takes JSON-RPC calls, and how its error replies read.
 */
public final class TrytonUrls {

    private TrytonUrls() {
    }

    /** Returns {@code <base-url>/<database>/}, the JSON-RPC URL of a Tryton database. */
    public static String rpcUrl(SystemSettings settings, String system) {
        String base = settings.required(system, "base-url");
        String database = settings.required(system, "database");
        return (base.endsWith("/") ? base : base + "/") + database + "/";
    }

    /** Turns Tryton's {@code ["UserError", ["message", "description"]]} into one line of text. */
    public static String errorText(JsonNode error) {
        if (error.isArray() && error.size() >= 2) {
            JsonNode detail = error.get(1);
            String message = detail.isArray() && !detail.isEmpty() ? detail.get(0).asText() : detail.asText();
            return error.get(0).asText() + ": " + message;
        }
        if (error.isObject() && error.hasNonNull("message")) {
            return error.get("message").asText();
        }
        return error.isTextual() ? error.asText() : error.toString();
    }
}
