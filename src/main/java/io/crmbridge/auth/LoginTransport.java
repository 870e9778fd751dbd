package io.crmbridge.auth;

import io.crmbridge.remote.HttpCalls;
import io.crmbridge.remote.HttpReply;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;

import java.util.Map;

/**
 * Sends login requests through camel-http, each on an exchange of its own so that no header of a
 * caller's message ever reaches a login endpoint.
 */
public final class LoginTransport {

    private final ProducerTemplate template;

    /** Creates a transport that sends through the HTTP component of a Camel context. */
    public LoginTransport(CamelContext context) {
        this.template = context.createProducerTemplate();
    }

    /**
     * POSTs a body to a login URL and returns what the server answered, whatever the status, with the server's
     * response headers (such as {@code Set-Cookie}) and none of the request's.
     *
     * @throws LoginException when the server cannot be reached or does not answer in time
     */
    public HttpReply post(String system, String url, String contentType, String body, Map<String, String> headers) {
        Exchange exchange = template.request(HttpCalls.loginEndpointFor(url), request -> {
            request.getMessage().setHeader(Exchange.HTTP_URI, url);
            request.getMessage().setHeader(Exchange.HTTP_METHOD, "POST");
            request.getMessage().setHeader(Exchange.CONTENT_TYPE, contentType);
            request.getMessage().setHeader("Accept", "application/json");
            headers.forEach(request.getMessage()::setHeader);
            request.getMessage().setBody(body);
        });
        if (exchange.getException() != null) {
            throw new LoginException(system.toUpperCase(java.util.Locale.ROOT) + " login at " + url + " failed: "
                    + HttpCalls.describeTransportError(exchange.getException()), exchange.getException());
        }
        return HttpCalls.replyOf(exchange.getMessage());
    }
}
