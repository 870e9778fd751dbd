package io.crmbridge.bench;

import io.crmbridge.BridgeNames;
import io.crmbridge.observe.Observability;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The bridge's authorised call without the token cache: {@code authorized-call} as the bridge ships it, loaded from
 * its own {@code routes/authorized-call.yaml}, with each {@code direct:auth} replaced by a {@code direct:} hop to a
 * route that puts a credential held in memory on the exchange, with stream caching off as in {@code direct:auth}.
 * What the route's shape costs (the hop, doTry and doFinally, the 401 choice, the clean-up) is then measured apart
 * from what reading the cache and checking the token's expiry add to it.
 *
 * <p>A second copy, at {@link #INLINE_CALL}, puts the same credential on in a step of the call's own route in place
 * of each hop: the route's shape without any sub-route, so the hop itself is weighed too.
 */
final class CredentialHopCall {

    /** Where the benchmark sends the call. */
    static final String CALL = "direct:bench-credential-hop-call";

    /** Where the benchmark sends the call that sets the credential without a sub-route. */
    static final String INLINE_CALL = "direct:bench-credential-inline-call";

    private static final String CALL_ROUTE = "bench-credential-hop-call";
    private static final String INLINE_CALL_ROUTE = "bench-credential-inline-call";
    private static final String INLINE_STEP_BEAN = "benchHeldCredential";
    private static final String HOP = "direct:bench-credential-hop";
    private static final String HOP_ROUTE = "bench-credential-hop";
    private static final String SOURCE = "/routes/authorized-call.yaml";
    private static final Pattern AUTH_STEP = Pattern.compile("(?m)uri: " + BridgeNames.AUTH_ENDPOINT + "$");
    /** A whole {@code to} step sending to direct:auth, with its indentation in group 1. */
    private static final Pattern AUTH_TO_STEP =
            Pattern.compile("(?m)^( *)- to:\n *uri: " + BridgeNames.AUTH_ENDPOINT + "$");

    private final HeldCredential credential = new HeldCredential();

    /**
     * Adds the call route, the hop it calls and the call without a hop to {@code context}; the hop's route gets no
     * route metrics.
     */
    void addTo(CamelContext context) throws Exception {
        String source;
        try (InputStream in = CredentialHopCall.class.getResourceAsStream(SOURCE)) {
            if (in == null) {
                throw new IOException(SOURCE + " is not on the class path");
            }
            source = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Matcher authSteps = AUTH_STEP.matcher(source);
        long replaced = authSteps.results().count();
        if (replaced != 2 || !source.contains("id: authorized-call\n")
                || !source.contains("uri: " + BridgeNames.CALL_ENDPOINT + "\n")) {
            throw new IllegalStateException(SOURCE + " no longer has the shape this benchmark rewrites: one route "
                    + "authorized-call from " + BridgeNames.CALL_ENDPOINT + " with two steps to "
                    + BridgeNames.AUTH_ENDPOINT + " (found " + replaced + ")");
        }
        String rewritten = AUTH_STEP.matcher(source).replaceAll("uri: " + HOP)
                .replace("id: authorized-call\n", "id: " + CALL_ROUTE + "\n")
                .replace("uri: " + BridgeNames.CALL_ENDPOINT + "\n", "uri: " + CALL + "\n");
        String inline = AUTH_TO_STEP.matcher(source).replaceAll("$1- process:\n$1    ref: " + INLINE_STEP_BEAN)
                .replace("id: authorized-call\n", "id: " + INLINE_CALL_ROUTE + "\n")
                .replace("uri: " + BridgeNames.CALL_ENDPOINT + "\n", "uri: " + INLINE_CALL + "\n");
        if (inline.contains(BridgeNames.AUTH_ENDPOINT + "\n")) {
            throw new IllegalStateException(SOURCE + " sends to " + BridgeNames.AUTH_ENDPOINT
                    + " in a step this benchmark cannot replace");
        }
        context.getRegistry().bind(INLINE_STEP_BEAN, Processor.class, credential);
        PluginHelper.getRoutesLoader(context)
                .loadRoutes(ResourceHelper.fromString("bench-credential-hop-call.yaml", rewritten));
        PluginHelper.getRoutesLoader(context)
                .loadRoutes(ResourceHelper.fromString("bench-credential-inline-call.yaml", inline));

        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(HOP).routeId(HOP_ROUTE).routeConfigurationId("bridge-errors").noStreamCaching()
                        .process(credential);
            }
        });
        Observability.leaveOutOfRouteMetrics(context, List.of(HOP_ROUTE));
    }

    /** Holds what {@code direct:auth} put on {@code authorised}: the token and its cache key, and its header. */
    void hold(Exchange authorised) {
        String tokenJson = authorised.getVariable(BridgeNames.TOKEN, String.class);
        Object authorization = authorised.getMessage().getHeader("Authorization");
        if (tokenJson == null || authorization == null) {
            throw new IllegalStateException("direct:auth gave no credential", authorised.getException());
        }
        credential.tokenJson = tokenJson;
        credential.tokenKey = authorised.getVariable(BridgeNames.TOKEN_KEY, String.class);
        credential.headers = Map.of("Authorization", authorization);
    }

    /** Puts the held credential on the exchange as direct:auth does on a cache hit, without reading any cache. */
    private static final class HeldCredential implements Processor {

        private volatile String tokenJson;
        private volatile String tokenKey;
        private volatile Map<String, Object> headers;

        @Override
        public void process(Exchange exchange) {
            exchange.setVariable(BridgeNames.TOKEN_KEY, tokenKey);
            exchange.setVariable(BridgeNames.TOKEN, tokenJson);
            headers.forEach(exchange.getMessage()::setHeader);
        }
    }
}
