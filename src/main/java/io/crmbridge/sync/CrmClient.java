package io.crmbridge.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crmbridge.BridgeException;
import io.crmbridge.Json;
import io.crmbridge.SystemSettings;
import io.crmbridge.remote.HttpReply;
import io.crmbridge.remote.RemoteCalls;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads and updates CRM records over OData 4 (Creatio's {@code /0/odata/{Entity}}), every call authorised
 * through {@code direct:auth}.
 */
public final class CrmClient {

    /** The system name of the CRM in settings and in the token cache. */
    public static final String SYSTEM = "crm";

    private static final int MAX_PAGE_SIZE = 1000;

    private final SystemSettings settings;
    private final RemoteCalls calls;

    /** Creates a client for the CRM named by the {@code bridge.crm.*} settings. */
    public CrmClient(SystemSettings settings, RemoteCalls calls) {
        this.settings = settings;
        this.calls = calls;
    }

    /**
     * Returns the records of an entity that match an OData {@code $filter}, in {@code $orderby} order, at most
     * {@code top} of them, after skipping {@code skip}.
     */
    public List<JsonNode> query(String entity, String filter, String orderBy, int top, int skip) {
        StringBuilder url = new StringBuilder(entityUrl(entity)).append('?');
        if (filter != null) {
            url.append("$filter=").append(encode(filter)).append('&');
        }
        url.append("$orderby=").append(encode(orderBy)).append("&$top=").append(top);
        if (skip > 0) {
            url.append("&$skip=").append(skip);
        }
        JsonNode answer = readJson(calls.call(SYSTEM, "GET", url.toString(), null, null), entity);
        JsonNode value = answer.get("value");
        if (value == null || !value.isArray()) {
            throw new BridgeException("CRM answered a query on " + entity + " without a \"value\" array");
        }
        List<JsonNode> records = new ArrayList<>(value.size());
        value.forEach(records::add);
        return records;
    }

    /** Returns one record by its {@code Id}. */
    public JsonNode get(String entity, String id) {
        return readJson(calls.call(SYSTEM, "GET", entityUrl(entity) + "(" + id + ")", null, null),
                entity + " " + id);
    }

    /** Changes fields of one record with an OData {@code PATCH}. */
    public void patch(String entity, String id, ObjectNode fields) {
        calls.call(SYSTEM, "PATCH", entityUrl(entity) + "(" + id + ")", "application/json", Json.write(fields));
    }

    /** Returns the configured page size for CRM queries ({@code bridge.crm.page-size}, 1 to 1000, default 50). */
    public int pageSize() {
        int size = settings.integer(SYSTEM, "page-size", 50);
        if (size < 1 || size > MAX_PAGE_SIZE) {
            throw new BridgeException("Setting bridge.crm.page-size must be between 1 and " + MAX_PAGE_SIZE
                    + ", not " + size);
        }
        return size;
    }

    /** Returns the name of a CRM field the bridge writes, as configured under {@code bridge.crm.fields.*}. */
    public String field(String key, String fallback) {
        return settings.optional(SYSTEM, "fields." + key).orElse(fallback);
    }

    private String entityUrl(String entity) {
        String base = settings.required(SYSTEM, "base-url");
        String path = settings.optional(SYSTEM, "odata-path").orElse("/0/odata");
        return stripSlash(base) + (path.startsWith("/") ? path : "/" + path) + "/" + entity;
    }

    private static JsonNode readJson(HttpReply reply, String what) {
        return Json.tryParse(reply.body()).filter(JsonNode::isObject).orElseThrow(() -> new BridgeException(
                "CRM answered the request for " + what + " with HTTP " + reply.status() + " but no JSON object ("
                        + (reply.contentType().isBlank() ? "no content type" : reply.contentType()) + ")"));
    }

    private static String stripSlash(String base) {
        return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    /** Encodes a query option value; spaces become {@code %20}, which OData servers accept everywhere. */
    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
