package io.crmbridge.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crmbridge.BridgeException;
import io.crmbridge.Json;
import io.crmbridge.SystemSettings;
import io.crmbridge.auth.TrytonUrls;
import io.crmbridge.remote.HttpReply;
import io.crmbridge.remote.RemoteCalls;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.StreamSupport;

/**
 * Calls Tryton's JSON-RPC, every call authorised through {@code direct:auth}; business errors, which Tryton
 * answers with HTTP 200 and an {@code error} member, become a {@link BridgeException}.
 */
public final class ErpClient {

    /** The system name of the ERP in settings and in the token cache. */
    public static final String SYSTEM = "erp";

    private final SystemSettings settings;
    private final RemoteCalls calls;
    private final AtomicLong ids = new AtomicLong();
    private volatile ObjectNode userContext;

    /** Creates a client for the ERP named by the {@code bridge.erp.*} settings. */
    public ErpClient(SystemSettings settings, RemoteCalls calls) {
        this.settings = settings;
        this.calls = calls;
    }

    /**
     * Calls a JSON-RPC method and returns its {@code result}.
     *
     * @param what a few words for error messages, such as "creating the sale for CRM order X"
     */
    public JsonNode call(String method, ArrayNode params, String what) {
        ObjectNode request = Json.MAPPER.createObjectNode();
        request.put("id", ids.incrementAndGet());
        request.put("method", method);
        request.set("params", params);
        HttpReply reply = calls.call(SYSTEM, "POST", TrytonUrls.rpcUrl(settings, SYSTEM), "application/json",
                Json.write(request));
        JsonNode answer = Json.tryParse(reply.body()).filter(JsonNode::isObject).orElseThrow(() ->
                new BridgeException("ERP answered " + method + " (" + what + ") without a JSON object ("
                        + (reply.contentType().isBlank() ? "no content type" : reply.contentType()) + ")"));
        if (answer.hasNonNull("error")) {
            throw new ErpBusinessException("ERP refused " + what + ": " + TrytonUrls.errorText(answer.get("error")));
        }
        if (!answer.has("result")) {
            throw new BridgeException("ERP answered " + method + " (" + what + ") without a result");
        }
        return answer.get("result");
    }

    /** Runs {@code model.<model>.search_read} with the user context plus {@code extraContext}. */
    public List<JsonNode> searchRead(String model, ArrayNode domain, List<String> fields, ObjectNode extraContext,
                                     String what) {
        ArrayNode params = Json.MAPPER.createArrayNode();
        params.add(domain);
        params.add(0);
        params.addNull();
        params.addNull();
        ArrayNode fieldList = params.addArray();
        fields.forEach(fieldList::add);
        ObjectNode context = context().deepCopy();
        if (extraContext != null) {
            context.setAll(extraContext);
        }
        params.add(context);
        JsonNode result = call("model." + model + ".search_read", params, what);
        if (!result.isArray()) {
            throw new BridgeException("ERP answered search_read on " + model + " (" + what + ") without a list");
        }
        return StreamSupport.stream(result.spliterator(), false).toList();
    }

    /** Returns the user context (company, language) that Tryton needs as the last parameter of model calls. */
    public ObjectNode context() {
        ObjectNode context = userContext;
        if (context == null) {
            ArrayNode params = Json.MAPPER.createArrayNode().add(true).add(Json.MAPPER.createObjectNode());
            JsonNode preferences = call("model.res.user.get_preferences", params, "reading the user preferences");
            if (!preferences.isObject()) {
                throw new BridgeException("ERP answered the user preferences without an object");
            }
            context = (ObjectNode) preferences;
            userContext = context;
        }
        return context;
    }

    /** Forgets the user context, so the next pass reads it again. */
    public void resetContext() {
        userContext = null;
    }

    /** Builds a Tryton domain clause {@code [field, operator, value]}. */
    public static ArrayNode clause(String field, String operator, Object value) {
        ArrayNode clause = Json.MAPPER.createArrayNode().add(field).add(operator);
        clause.add(Json.MAPPER.valueToTree(value));
        return clause;
    }

    /** Builds a domain of clauses joined by AND. */
    public static ArrayNode domain(ArrayNode... clauses) {
        ArrayNode domain = Json.MAPPER.createArrayNode();
        for (ArrayNode clause : clauses) {
            domain.add(clause);
        }
        return domain;
    }
}
