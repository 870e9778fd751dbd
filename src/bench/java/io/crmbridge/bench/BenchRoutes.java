package io.crmbridge.bench;

import io.crmbridge.BridgeNames;
import org.apache.camel.builder.RouteBuilder;

/**
 * The benchmark's own routes: a {@code direct:} hop that does nothing, and the bridge's authorised call with
 * {@code direct:auth} replaced by camel-http's OAuth 2.0 client credentials and token cache.
 */
final class BenchRoutes extends RouteBuilder {

    /** A route that does nothing but exist, the floor under any {@code direct:} sub-route; no stream caching. */
    static final String PLAIN_HOP = "direct:bench-plain-hop";

    /** The id of the route behind {@link #PLAIN_HOP}. */
    static final String PLAIN_HOP_ROUTE = "bench-plain-hop";

    /** The same HTTP call as {@code direct:authorized-call}, authorised by camel-http itself. */
    static final String CAMEL_HTTP_OAUTH2_CALL = "direct:bench-camel-http-oauth2-call";

    private final String baseUrl;
    private final String tokenUrl;
    private final String clientId;
    private final String clientSecret;

    /** Creates the routes for the CRM at {@code baseUrl} whose token endpoint is {@code tokenUrl}. */
    BenchRoutes(String baseUrl, String tokenUrl, String clientId, String clientSecret) {
        this.baseUrl = baseUrl;
        this.tokenUrl = tokenUrl;
        this.clientId = clientId;
        this.clientSecret = clientSecret;
    }

    /** The camel-http endpoint that authorises with its own OAuth 2.0 client credentials and token cache. */
    String camelHttpOAuth2Uri() {
        return baseUrl + "?throwExceptionOnFailure=false&followRedirects=false"
                + "&oauth2ClientId=" + clientId
                + "&oauth2ClientSecret=RAW(" + clientSecret + ")"
                + "&oauth2TokenEndpoint=RAW(" + tokenUrl + ")"
                + "&oauth2CacheTokens=true";
    }

    @Override
    public void configure() {
        from(PLAIN_HOP)
                .routeId(PLAIN_HOP_ROUTE)
                .noStreamCaching()
                .removeHeader("BenchNothing");

        // Same endpoint options as HttpCalls.ENDPOINT, the same error handling (none: bridge-errors) and the same
        // reply handling as authorized-call; only the authorisation differs. The 401 retry of authorized-call has
        // no counterpart: camel-http does not retry.
        from(CAMEL_HTTP_OAUTH2_CALL)
                .routeId("bench-camel-http-oauth2-call")
                .routeConfigurationId("bridge-errors")
                .process("prepareRequest")
                .toV(camelHttpOAuth2Uri(), null, BridgeNames.RAW_RESPONSE)
                .process("readReply")
                .removeHeader("Authorization")
                .process("checkReply")
                .process("giveBackAddress");
    }
}
