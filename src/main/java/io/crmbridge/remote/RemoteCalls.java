package io.crmbridge.remote;

import io.crmbridge.SystemSettings;
import io.crmbridge.BridgeNames;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;

import java.util.Map;


/**
 * Makes authorised HTTP calls to an external system through the {@code authorized-call} route, each on a fresh
 * exchange, so every outbound call goes through {@code direct:auth} and nothing of one call leaks into another.
 */
public final class RemoteCalls {

    private final ProducerTemplate template;

    /** Creates a client sending through the routes of a Camel context. */
    public RemoteCalls(CamelContext context) {
        this.template = context.createProducerTemplate();
    }

    /**
     * Sends one request and returns the system's 2xx reply.
     *
     * @param system      the system, such as {@code crm}, whose credential authorises the call
     * @param method      the HTTP method
     * @param url         the full, encoded URL
     * @param contentType the content type of {@code body}, or null when there is no body
     * @param body        the request body, or null
     * @throws RemoteCallException when the system cannot be reached or answers with an error status
     */
    public HttpReply call(String system, String method, String url, String contentType, String body) {
        return call(system, method, url, contentType, body, Map.of());
    }

    /** Sends one request with extra HTTP headers, such as {@code Prefer}, as {@link #call} does. */
    public HttpReply call(String system, String method, String url, String contentType, String body,
                          Map<String, String> headers) {
        Exchange exchange = template.request(BridgeNames.CALL_ENDPOINT, request -> {
            headers.forEach(request.getMessage()::setHeader);
            request.setVariable(BridgeNames.SYSTEM, system);
            request.setVariable(BridgeNames.HTTP_METHOD, method);
            request.setVariable(BridgeNames.URL, url);
            request.getMessage().setHeader("Accept", "application/json");
            if (contentType != null) {
                request.getMessage().setHeader(Exchange.CONTENT_TYPE, contentType);
            }
            request.getMessage().setBody(body);
        });
        Exception error = exchange.getException();
        if (error instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (error != null) {
            throw new RemoteCallException(SystemSettings.label(system) + " call " + method + " "
                    + HttpCalls.redactedUrl(url) + " failed: " + HttpCalls.describeTransportError(error), 0, error);
        }
        return exchange.getVariable(BridgeNames.RESPONSE, HttpReply.class);
    }
}
