package io.crmbridge;

/**
 * Names shared by the YAML routes and the Java they call: exchange variables, registry beans and endpoints.
 */
public final class BridgeNames {

    /** Variable naming the external system a call or a login is for, such as {@code crm} or {@code erp}. */
    public static final String SYSTEM = "bridgeSystem";

    /** Variable holding the token JSON read from or written to the token cache. */
    public static final String TOKEN = "bridgeToken";

    /** Variable holding the token cache key: the system and a fingerprint of its credential settings. */
    public static final String TOKEN_KEY = "bridgeTokenKey";

    /** Variable telling the auth routes whether the caller needs a login. */
    public static final String NEEDS_LOGIN = "bridgeNeedsLogin";

    /** Variable telling the authorised call that the system answered 401. */
    public static final String UNAUTHORIZED = "bridgeUnauthorized";

    /** Variable set on a background renewal, which logs in although the cached token is still valid. */
    public static final String RENEW = "bridgeRenew";

    /** Variable holding the HTTP method of an outbound call. */
    public static final String HTTP_METHOD = "bridgeHttpMethod";

    /** Variable holding the full, already encoded URL of an outbound call. */
    public static final String URL = "bridgeUrl";

    /** Variable holding the reply of an outbound call as an {@link io.crmbridge.remote.HttpReply}. */
    public static final String RESPONSE = "bridgeResponse";

    /** Variable in which camel-http's raw reply body lands ({@code variableReceive}); its headers follow it. */
    public static final String RAW_RESPONSE = "bridgeRawResponse";

    /** Variable telling a page loop whether another page is to be read. */
    public static final String MORE_PAGES = "bridgeMorePages";

    /** Registry name of the Caffeine cache holding one token JSON per system; the camel-caffeine endpoints share it. */
    public static final String TOKEN_CACHE = "bridge-tokens";

    /** Registry name of the {@link java.time.Clock} every expiry decision reads. */
    public static final String CLOCK = "bridgeClock";

    /** Registry name of the {@link java.util.concurrent.Executor} that runs background token renewals. */
    public static final String RENEWAL_EXECUTOR = "bridgeRenewalExecutor";

    /** Endpoint of the shared sub-route that puts a valid credential on the exchange. */
    public static final String AUTH_ENDPOINT = "direct:auth";

    /** Endpoint of the sub-route that logs in to a system, one caller per system at a time. */
    public static final String LOGIN_ENDPOINT = "direct:auth-login";

    /** Endpoint of the shared sub-route that makes one authorised HTTP call, retrying once after a 401. */
    public static final String CALL_ENDPOINT = "direct:authorized-call";

    /** Endpoint that runs one full pass of every flow and logs the summary line. */
    public static final String PASS_ENDPOINT = "direct:sync-pass";

    /** The route that syncs the dead-lettered orders again. */
    public static final String REPLAY_ENDPOINT = "direct:replay-dead-letters";

    private BridgeNames() {
    }
}
