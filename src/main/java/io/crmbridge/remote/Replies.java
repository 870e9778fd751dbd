package io.crmbridge.remote;

import io.crmbridge.SystemSettings;
import io.crmbridge.BridgeNames;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.http.HttpMethods;

import java.util.HashMap;
import java.util.List;
import java.util.Map;


/**
 * Reads what a system answered to the HTTP call of the {@code authorized-call} route.
 */
public final class Replies {

    private static final int SNIPPET = 200;
    private static final String RAW_HEADER = "header:" + BridgeNames.RAW_RESPONSE + ".";
    /**
     * The headers camel-http addresses a request by. A caller's own (one that came in over HTTP or REST has some) would
     * send the bridge's request elsewhere, and the bridge's would send the caller's next HTTP call to the system.
     */
    private static final List<String> ADDRESS_HEADERS = List.of(Exchange.HTTP_URI, Exchange.HTTP_METHOD,
            Exchange.HTTP_PATH, Exchange.HTTP_QUERY, Exchange.HTTP_RAW_QUERY, Exchange.REST_HTTP_URI,
            Exchange.REST_HTTP_QUERY);
    private static final String CALLERS_ADDRESS_HEADERS = "bridgeCallersAddressHeaders";

    /**
     * Addresses the request: the URL and method in exchange variables become camel-http headers, which the route's
     * one camel-http endpoint sends to. The caller's own camel-http address headers are kept aside until
     * {@link #giveBackAddress}.
     *
     * @throws IllegalArgumentException when the URL is not an absolute http or https URL
     */
    public void prepare(Exchange exchange) {
        String url = exchange.getVariable(BridgeNames.URL, String.class);
        HttpCalls.requireHttpUrl(url);
        Message message = exchange.getMessage();
        Map<String, Object> callers = null;
        for (String name : ADDRESS_HEADERS) {
            Object value = message.removeHeader(name);
            if (value != null) {
                callers = callers == null ? new HashMap<>() : callers;
                callers.put(name, value);
            }
        }
        if (callers != null) {
            exchange.setVariable(CALLERS_ADDRESS_HEADERS, callers);
        }
        message.setHeader(Exchange.HTTP_URI, url);
        // camel-http reads the method as its enum; handing it a String costs a type conversion on every call.
        message.setHeader(Exchange.HTTP_METHOD, HttpMethods.valueOf(exchange.getVariable(BridgeNames.HTTP_METHOD,
                String.class)));
    }

    /**
     * Removes the address headers {@link #prepare} set and puts back the caller's own, if it had any. A raw reply
     * that {@link #read} never took, as when the call ended between the two, goes too: its headers hold the
     * credential that was sent.
     */
    public void giveBackAddress(Exchange exchange) {
        Message message = exchange.getMessage();
        message.removeHeader(Exchange.HTTP_URI);
        message.removeHeader(Exchange.HTTP_METHOD);
        if (exchange.removeVariable(CALLERS_ADDRESS_HEADERS) instanceof Map<?, ?> callers) {
            callers.forEach((name, value) -> message.setHeader((String) name, value));
        }
        if (exchange.getVariable(RAW_HEADER + Exchange.HTTP_RESPONSE_CODE) != null) {
            dropRawReply(exchange);
        }
    }

    /** Turns the raw camel-http reply kept by {@code variableReceive} into an {@link HttpReply}. */
    public void read(Exchange exchange) {
        Object raw = exchange.getVariable(BridgeNames.RAW_RESPONSE);
        Integer status = exchange.getVariable(RAW_HEADER + Exchange.HTTP_RESPONSE_CODE, Integer.class);
        String contentType = exchange.getVariable(RAW_HEADER + Exchange.CONTENT_TYPE, "", String.class);
        byte[] body = raw == null ? null : exchange.getContext().getTypeConverter().convertTo(byte[].class,
                exchange, raw);
        exchange.setVariable(BridgeNames.RESPONSE, new HttpReply(status == null ? 0 : status, contentType,
                HttpCalls.bodyText(body, contentType)));
        exchange.setVariable(BridgeNames.UNAUTHORIZED, status != null && status == 401);
        // variableReceive copied every header, the credential sent among them: keep none of them around.
        dropRawReply(exchange);
    }

    private static void dropRawReply(Exchange exchange) {
        exchange.getVariables().keySet().removeIf(name -> name.startsWith(RAW_HEADER));
        exchange.removeVariable(BridgeNames.RAW_RESPONSE);
    }

    /**
     * Fails the exchange with one clear error unless the system answered 2xx.
     *
     * @throws RemoteCallException naming the system, the call and the status
     */
    public void check(Exchange exchange) {
        HttpReply reply = exchange.getVariable(BridgeNames.RESPONSE, HttpReply.class);
        if (reply.isSuccess()) {
            return;
        }
        String system = SystemSettings.label(exchange.getVariable(BridgeNames.SYSTEM, String.class));
        String call = exchange.getVariable(BridgeNames.HTTP_METHOD, String.class) + " "
                + HttpCalls.redactedUrl(exchange.getVariable(BridgeNames.URL, String.class));
        if (reply.status() == 401) {
            throw new RemoteCallException(system + " rejected the call " + call + " with 401 even after a fresh "
                    + "login: check that the " + system + " account may use this API", 401, null);
        }
        throw new RemoteCallException(system + " answered HTTP " + reply.status() + " to " + call
                + describeBody(reply), reply.status(), null);
    }

    private static String describeBody(HttpReply reply) {
        if (reply.body().isBlank()) {
            return "";
        }
        if (!reply.isJson()) {
            return " with a " + (reply.contentType().isBlank() ? "non-JSON" : reply.contentType()) + " body";
        }
        String text = reply.body().replaceAll("\\s+", " ");
        return ": " + (text.length() > SNIPPET ? text.substring(0, SNIPPET) + "..." : text);
    }
}
