package io.crmbridge.bench;

import io.crmbridge.BridgeNames;
import io.crmbridge.observe.Observability;
import io.crmbridge.remote.HttpCalls;
import io.crmbridge.remote.HttpReply;
import io.crmbridge.remote.RemoteCalls;
import io.crmbridge.simulator.CrmSimulator;
import io.crmbridge.testsupport.BridgeRuntime;
import io.crmbridge.testsupport.BridgeSettings;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.http.HttpEndpoint;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Measures what the shared {@code direct:auth} costs: a cache hit against a plain {@code direct:} hop, and a loopback
 * call to the CRM simulator authorised through {@code direct:auth} against the same call authorised by camel-http's
 * own OAuth 2.0 token cache. A third call, through {@code authorized-call} with a credential held in memory in place
 * of {@code direct:auth} ({@link CredentialHopCall}), tells what the route's shape costs from what the cache read
 * and the expiry check add.
 *
 * <p>Each benchmark runs in its own fork on a fresh bridge and simulator, so every one starts with a cold token
 * cache (camel-http's is static per JVM) and the logins it made are the simulator's count at the end of the trial.
 *
 * <p>The HTTP calls warm up for 24 s: with 8 threads on two cores the JIT compilers get little CPU time, and a call
 * reaches its steady speed only after about 20 s, three to six times faster than in the first seconds. Three forks
 * per benchmark, since a fork's JIT decisions move its speed by several percent.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(3)
@Warmup(iterations = 12, time = 2)
@Measurement(iterations = 5, time = 2)
public class TokenCacheBenchmark {

    /** The system property naming the file each fork appends its login count to. */
    public static final String LOGINS_FILE = "bench.logins-file";

    private static final String CLIENT_ID = "bench";

    private CrmSimulator crm;
    private BridgeRuntime bridge;
    private ProducerTemplate template;
    private RemoteCalls calls;
    private String productUrl;
    private Path watermarkFile;

    /** Starts the CRM simulator and the bridge on Camel Main with the YAML routes, plus the benchmark's routes. */
    @Setup
    public void start(BenchmarkParams params) throws Exception {
        String secret = "bench-secret-" + UUID.randomUUID();
        crm = CrmSimulator.builder().clientId(CLIENT_ID).clientSecret(secret).tokenLifetime(Duration.ofHours(1))
                .build().start();
        watermarkFile = Files.createTempFile("bench-watermark-", ".json");
        Map<String, String> settings = BridgeSettings.withWatermark(watermarkFile)
                .crm(crm.baseUrl(), crm.tokenUrl(), CLIENT_ID, secret)
                .toMap();
        bridge = BridgeRuntime.start(settings, Map.of());
        BenchRoutes routes = new BenchRoutes(crm.baseUrl(), crm.tokenUrl(), CLIENT_ID, secret);
        // direct:auth runs without camel-micrometer's route policy (see Observability); so does the hop it is
        // compared with. The camel-http route keeps it, as authorized-call does.
        Observability.leaveOutOfRouteMetrics(bridge.context(), List.of(BenchRoutes.PLAIN_HOP_ROUTE));
        bridge.context().addRoutes(routes);
        CredentialHopCall credentialHopCall = new CredentialHopCall();
        credentialHopCall.addTo(bridge.context());

        template = bridge.template();
        calls = new RemoteCalls(bridge.context());
        productUrl = crm.baseUrl() + "/0/odata/Product?$top=1";
        if (RunBenchmarks.shortName(params.getBenchmark()).startsWith("callThroughHeldCredential")) {
            // The one login this benchmark makes: the credential its calls use, obtained as the bridge obtains it
            credentialHopCall.hold(checked(template.request(BridgeNames.AUTH_ENDPOINT,
                    exchange -> exchange.setVariable(BridgeNames.SYSTEM, "crm"))));
        }

        // camel-http gives each endpoint a pool of its own; the comparison is fair when both are sized alike.
        requireSamePoolSize(bridge.context().getEndpoint(HttpCalls.ENDPOINT, HttpEndpoint.class),
                bridge.context().getEndpoint(routes.camelHttpOAuth2Uri(), HttpEndpoint.class));
    }

    /** Appends the logins this trial made to the file the summary reads, then stops bridge and simulator. */
    @TearDown
    public void stop(BenchmarkParams params) throws IOException {
        String file = System.getProperty(LOGINS_FILE);
        if (file != null) {
            String method = RunBenchmarks.shortName(params.getBenchmark());
            Files.writeString(Path.of(file), method + " " + params.getThreads() + " " + crm.tokensIssued() + "\n",
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
        bridge.close();
        crm.close();
        Files.deleteIfExists(watermarkFile);
    }

    /** Puts the cached CRM credential on an exchange through {@code direct:auth}. */
    @Benchmark
    @Threads(1)
    @Warmup(iterations = 5, time = 2)
    public Exchange authHit() {
        return checked(template.request(BridgeNames.AUTH_ENDPOINT,
                exchange -> exchange.setVariable(BridgeNames.SYSTEM, "crm")));
    }

    /** Sends the same exchange through a {@code direct:} route that does nothing, the floor of any sub-route. */
    @Benchmark
    @Threads(1)
    @Warmup(iterations = 5, time = 2)
    public Exchange plainHop() {
        return checked(template.request(BenchRoutes.PLAIN_HOP,
                exchange -> exchange.setVariable(BridgeNames.SYSTEM, "crm")));
    }

    /** Reads one CRM product through {@link RemoteCalls}, authorised by {@code direct:auth}. */
    @Benchmark
    @Threads(1)
    public HttpReply callThroughAuth() {
        return calls.call("crm", "GET", productUrl, null, null);
    }

    /** Reads one CRM product through camel-http authorised by its own OAuth 2.0 token cache. */
    @Benchmark
    @Threads(1)
    public HttpReply callThroughCamelHttpOAuth2() {
        return callRoute(BenchRoutes.CAMEL_HTTP_OAUTH2_CALL);
    }

    /**
     * Reads one CRM product through {@code authorized-call} with each {@code direct:auth} replaced by a hop to a
     * route that puts a credential held in memory on the exchange (see {@link CredentialHopCall}).
     */
    @Benchmark
    @Threads(1)
    public HttpReply callThroughHeldCredential() {
        return callRoute(CredentialHopCall.CALL);
    }

    /** {@link #callThroughAuth} from 8 threads at once. */
    @Benchmark
    @Threads(8)
    public HttpReply callThroughAuthAt8Threads() {
        return calls.call("crm", "GET", productUrl, null, null);
    }

    /** {@link #callThroughHeldCredential} from 8 threads at once. */
    @Benchmark
    @Threads(8)
    public HttpReply callThroughHeldCredentialAt8Threads() {
        return callRoute(CredentialHopCall.CALL);
    }

    /** {@link #callThroughCamelHttpOAuth2} from 8 threads at once. */
    @Benchmark
    @Threads(8)
    public HttpReply callThroughCamelHttpOAuth2At8Threads() {
        return callRoute(BenchRoutes.CAMEL_HTTP_OAUTH2_CALL);
    }

    /** Sends the request exactly as {@link RemoteCalls#call} does, to another route than authorized-call. */
    private HttpReply callRoute(String endpoint) {
        Exchange exchange = checked(template.request(endpoint, request -> {
            request.setVariable(BridgeNames.SYSTEM, "crm");
            request.setVariable(BridgeNames.HTTP_METHOD, "GET");
            request.setVariable(BridgeNames.URL, productUrl);
            request.getMessage().setHeader("Accept", "application/json");
            request.getMessage().setBody(null);
        }));
        return exchange.getVariable(BridgeNames.RESPONSE, HttpReply.class);
    }

    private static void requireSamePoolSize(HttpEndpoint bridgeSide, HttpEndpoint camelSide) {
        PoolingHttpClientConnectionManager bridgePool =
                (PoolingHttpClientConnectionManager) bridgeSide.getClientConnectionManager();
        PoolingHttpClientConnectionManager camelPool =
                (PoolingHttpClientConnectionManager) camelSide.getClientConnectionManager();
        if (bridgePool.getMaxTotal() != camelPool.getMaxTotal()
                || bridgePool.getDefaultMaxPerRoute() != camelPool.getDefaultMaxPerRoute()) {
            throw new IllegalStateException("The two call paths have connection pools of different sizes");
        }
    }

    private static Exchange checked(Exchange exchange) {
        if (exchange.getException() != null) {
            throw new IllegalStateException("Benchmark call failed", exchange.getException());
        }
        return exchange;
    }
}
