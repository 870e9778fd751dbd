package io.crmbridge.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crmbridge.BridgeException;
import io.crmbridge.Json;
import io.crmbridge.SystemSettings;
import io.crmbridge.remote.HttpReply;
import io.crmbridge.remote.RemoteCallException;
import io.crmbridge.remote.RemoteCalls;
import io.crmbridge.remote.TransientStatus;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads and updates CRM records over OData 4 (Creatio's {@code /0/odata/{Entity}}), every call authorised
 * through {@code direct:auth}.
 */
public final class CrmClient {

    /** The system name of the CRM in settings and in the token cache. */
    public static final String SYSTEM = "crm";

    private static final int MAX_PAGE_SIZE = 1000;
    private static final int MAX_BATCH_SIZE = 100;
    private static final Pattern GUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
            + "[0-9a-fA-F]{12}");

    private final SystemSettings settings;
    private final RemoteCalls calls;

    /** Creates a client for the CRM named by the {@code bridge.crm.*} settings. */
    public CrmClient(SystemSettings settings, RemoteCalls calls) {
        this.settings = settings;
        this.calls = calls;
    }

    /**
     * Returns the records of an entity that match an OData {@code $filter}, in {@code $orderby} order, at most
     * {@code top} of them, after skipping {@code skip}. A CRM that pages on its own (a page cut short with an
     * {@code @odata.nextLink}) is followed to the end of the records asked for, within the entity set on the CRM's
     * own server only.
     */
    public List<JsonNode> query(String entity, String filter, String orderBy, int top, int skip) {
        List<JsonNode> records = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        String page = queryUrl(entity, filter, orderBy, top, skip);
        while (page != null) {
            JsonNode answer = queryAnswer(entity, page);
            int before = records.size();
            for (JsonNode record : answer.get("value")) {
                // A page that starts where the one before ended gives records twice: each counts once.
                String id = record.path("Id").asText("");
                if (id.isEmpty() || ids.add(id)) {
                    records.add(record);
                }
            }
            JsonNode nextLink = answer.get("@odata.nextLink");
            page = nextLink == null || nextLink.isNull() || records.size() >= top ? null
                    : nextPage(entity, page, nextLink, records.size() > before);
        }
        return records.size() > top ? List.copyOf(records.subList(0, top)) : records;
    }

    /**
     * Returns the first page the CRM gives of a query, without following its {@code @odata.nextLink}, and whether
     * it has more: for paging by key, where the next query starts after the last record read. Following the CRM's
     * own links instead, which count records, would miss one that moved to a page already read while the pages
     * were read.
     */
    public Page queryPage(String entity, String filter, String orderBy, int top) {
        JsonNode answer = queryAnswer(entity, queryUrl(entity, filter, orderBy, top, 0));
        List<JsonNode> records = new ArrayList<>();
        answer.get("value").forEach(records::add);
        JsonNode nextLink = answer.get("@odata.nextLink");
        return new Page(records.size() > top ? List.copyOf(records.subList(0, top)) : records,
                records.size() >= top || nextLink != null && !nextLink.isNull());
    }

    /** Records of a query, and whether the CRM has more after them. */
    public record Page(List<JsonNode> records, boolean more) {
    }

    private String queryUrl(String entity, String filter, String orderBy, int top, int skip) {
        StringBuilder url = new StringBuilder(entityUrl(entity)).append('?');
        if (filter != null) {
            url.append("$filter=").append(encode(filter)).append('&');
        }
        url.append("$orderby=").append(encode(orderBy)).append("&$top=").append(top);
        if (skip > 0) {
            url.append("&$skip=").append(skip);
        }
        return url.toString();
    }

    private JsonNode queryAnswer(String entity, String url) {
        JsonNode answer = readJson(calls.call(SYSTEM, "GET", url, null, null), entity);
        JsonNode value = answer.get("value");
        if (value == null || !value.isArray()) {
            throw new BridgeException("CRM answered a query on " + entity + " without a \"value\" array");
        }
        return answer;
    }

    /**
     * Resolves an {@code @odata.nextLink} against the page that gave it. It must lead to the same entity set on the
     * CRM's own server, which the credential is for, without user-info, and follow a page that brought records not
     * read before: a link after a page without new records would never end.
     */
    private String nextPage(String entity, String page, JsonNode nextLink, boolean newRecords) {
        URI next;
        try {
            next = nextLink.isTextual() ? URI.create(page).resolve(nextLink.asText().trim()) : null;
        } catch (IllegalArgumentException unreadable) {
            next = null;
        }
        String problem = null;
        URI entitySet = URI.create(entityUrl(entity));
        if (next == null || next.getHost() == null) {
            problem = "that is no URL";
        } else if (!entitySet.getScheme().equalsIgnoreCase(String.valueOf(next.getScheme()))
                || !entitySet.getHost().equalsIgnoreCase(next.getHost()) || entitySet.getPort() != next.getPort()) {
            problem = "to another server (" + next.getScheme() + "://" + next.getHost()
                    + (next.getPort() < 0 ? "" : ":" + next.getPort()) + "), which the bridge sends no credential to";
        } else if (next.getRawUserInfo() != null) {
            problem = "holding user-info (user:password@)";
        } else if (!entitySet.getRawPath().equals(next.getRawPath())) {
            problem = "to another entity set than " + entity;
        } else if (!newRecords) {
            problem = "after a page without records it had not given before";
        }
        if (problem != null) {
            throw new BridgeException("CRM answered a query on " + entity + " with an @odata.nextLink " + problem
                    + "; the records after it are not read");
        }
        return next.toString();
    }

    /** Returns one record by its {@code Id}. */
    public JsonNode get(String entity, String id) {
        return readJson(calls.call(SYSTEM, "GET", recordUrl(entity, id), null, null), entity + " " + id);
    }

    /** Changes fields of one record with an OData {@code PATCH}. */
    public void patch(String entity, String id, ObjectNode fields) {
        calls.call(SYSTEM, "PATCH", recordUrl(entity, id), "application/json", Json.write(fields));
    }

    /** Tells whether a text is a record key the CRM can be asked about: a GUID, as Creatio's {@code Id}s are. */
    public static boolean isKey(String id) {
        return id != null && GUID.matcher(id).matches();
    }

    private String recordUrl(String entity, String id) {
        if (!isKey(id)) {
            throw new RecordException("CRM " + entity + " Id '" + id + "' is not a GUID, so the CRM cannot be asked "
                    + "for that record");
        }
        return entityUrl(entity) + "(" + id + ")";
    }

    /**
     * Changes fields of many records, in OData JSON {@code $batch} requests of up to {@code bridge.crm.batch-size}
     * PATCHes each (plain PATCHes when it is 1), and returns the records the CRM refused, each with its error.
     *
     * @throws RemoteCallException when the CRM fails a request as a whole, or answers a part with 408, 429 or 5xx,
     *                             so the caller can send them again
     */
    public Map<String, RuntimeException> patchAll(String entity, Map<String, ObjectNode> changes) {
        Map<String, RuntimeException> refused = new LinkedHashMap<>();
        int size = batchSize();
        if (size == 1) {
            changes.forEach((id, fields) -> {
                try {
                    patch(entity, id, fields);
                } catch (RemoteCallException e) {
                    if (TransientStatus.isTransient(e.status())) {
                        throw e;
                    }
                    refused.put(id, e);
                }
            });
            return refused;
        }
        List<String> ids = new ArrayList<>(changes.keySet());
        for (int from = 0; from < ids.size(); from += size) {
            refused.putAll(patchBatch(entity, ids.subList(from, Math.min(ids.size(), from + size)), changes));
        }
        return refused;
    }

    private Map<String, RuntimeException> patchBatch(String entity, List<String> ids, Map<String, ObjectNode> changes) {
        ObjectNode batch = Json.MAPPER.createObjectNode();
        ArrayNode requests = batch.putArray("requests");
        for (int i = 0; i < ids.size(); i++) {
            ObjectNode request = requests.addObject();
            request.put("id", String.valueOf(i));
            request.put("method", "PATCH");
            if (!isKey(ids.get(i))) {
                throw new RecordException("CRM " + entity + " Id '" + ids.get(i) + "' is not a GUID");
            }
            request.put("url", entity + "(" + ids.get(i) + ")");
            request.putObject("headers").put("Content-Type", "application/json");
            request.set("body", changes.get(ids.get(i)));
        }
        String url = stripSlash(settings.required(SYSTEM, "base-url")) + odataPath() + "/$batch";
        JsonNode answer = readJson(calls.call(SYSTEM, "POST", url, "application/json", Json.write(batch),
                Map.of("Prefer", "continue-on-error")), "a $batch of " + ids.size() + " " + entity + " changes");

        Map<String, RuntimeException> refused = new LinkedHashMap<>();
        Map<String, JsonNode> responses = new HashMap<>();
        answer.path("responses").forEach(response -> responses.put(response.path("id").asText(), response));
        for (int i = 0; i < ids.size(); i++) {
            String id = ids.get(i);
            JsonNode response = responses.get(String.valueOf(i));
            if (response == null) {
                throw new BridgeException("CRM answered a $batch of " + ids.size() + " " + entity + " changes without "
                        + "an answer for " + entity + " " + id + "; it is sent again on the next pass");
            }
            int status = response.path("status").asInt();
            if (status >= 200 && status < 300) {
                continue;
            }
            String message = "CRM answered HTTP " + status + " to PATCH " + entity + "(" + id + ") in a $batch"
                    + errorText(response.path("body"));
            if (TransientStatus.isTransient(status)) {
                throw new RemoteCallException(message, status, null);
            }
            refused.put(id, new RemoteCallException(message, status, null));
        }
        return refused;
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

    /** Returns {@code bridge.crm.batch-size}, checked: PATCH requests per {@code $batch}, 1 to 100. */
    public int batchSize() {
        int size = settings.integer(SYSTEM, "batch-size", MAX_BATCH_SIZE);
        if (size < 1 || size > MAX_BATCH_SIZE) {
            throw new BridgeException("Setting bridge.crm.batch-size must be between 1 and " + MAX_BATCH_SIZE
                    + " (Creatio's limit), not " + size);
        }
        return size;
    }

    private String entityUrl(String entity) {
        return stripSlash(settings.required(SYSTEM, "base-url")) + odataPath() + "/" + entity;
    }

    private String odataPath() {
        String path = settings.optional(SYSTEM, "odata-path").orElse("/0/odata");
        return path.startsWith("/") ? path : "/" + path;
    }

    private static String errorText(JsonNode body) {
        String message = body.path("error").path("message").asText("");
        return message.isBlank() ? "" : ": " + message;
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
