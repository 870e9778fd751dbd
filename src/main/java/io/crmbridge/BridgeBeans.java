package io.crmbridge;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.crmbridge.auth.ApiKeyLogin;
import io.crmbridge.auth.AuthStats;
import io.crmbridge.auth.CreatioFormsLogin;
import io.crmbridge.auth.JsonSessionLogin;
import io.crmbridge.auth.LoginTransport;
import io.crmbridge.auth.Logins;
import io.crmbridge.auth.OAuth2ClientCredentialsLogin;
import io.crmbridge.auth.Renewals;
import io.crmbridge.auth.Tokens;
import io.crmbridge.auth.TrytonSessionLogin;
import io.crmbridge.observe.Observability;
import io.crmbridge.remote.RemoteCalls;
import io.crmbridge.remote.Replies;
import io.crmbridge.sync.CrmClient;
import io.crmbridge.sync.DeadLetters;
import io.crmbridge.sync.ErpClient;
import io.crmbridge.sync.InDoubtOrders;
import io.crmbridge.sync.InventoryErpToCrm;
import io.crmbridge.sync.OneSidedStore;
import io.crmbridge.sync.OrdersCrmToErp;
import io.crmbridge.sync.PassStats;
import io.crmbridge.sync.RedeliveryLog;
import io.crmbridge.sync.TransientFailure;
import io.crmbridge.sync.WatermarkStore;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.camel.component.http.HttpComponent;
import org.apache.camel.spi.Registry;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * Binds the beans the YAML routes call. It depends on no runtime (Camel Main or Karaf): each runtime calls
 * {@link #configure(CamelContext)} before the routes start.
 *
 * <p>A {@link Clock} or token cache already bound under {@link BridgeNames#CLOCK} or
 * {@link BridgeNames#TOKEN_CACHE} is kept, which is how tests move time.
 */
public final class BridgeBeans implements CamelConfiguration {

    /** The redelivery settings: a count and two delays in milliseconds. */
    private static final List<String> REDELIVERY_NUMBERS = List.of("sync.redeliveries", "sync.redelivery-delay",
            "sync.redelivery-max-delay");
    /**
     * Duration settings of each system that its login kind reads only when it logs in, checked at start (Logins
     * and Tokens read theirs when they are created).
     */
    private static final List<String> LOGIN_DURATIONS = List.of("auth.session-lifetime", "auth.default-lifetime");

    @Override
    public void configure(CamelContext context) {
        Registry registry = context.getRegistry();
        Clock clock = existing(registry, BridgeNames.CLOCK, Clock.class, Clock::systemUTC);
        // A few entries, one per system: the cache tidies itself on the caller's thread instead of waking a thread
        // of the common pool every few reads.
        @SuppressWarnings("unchecked")
        Cache<String, String> tokenCache = existing(registry, BridgeNames.TOKEN_CACHE, Cache.class,
                () -> Caffeine.newBuilder().maximumSize(1_000).executor(Runnable::run).build());
        SystemSettings settings = new SystemSettings(context);
        disableAutomaticHttpRetries(context.getComponent("http", HttpComponent.class));
        // Read once here so a mistyped setting fails at start with its name, not halfway through a pass.
        if (settings.globalDuration("sync.period", Duration.ofSeconds(10)).isZero()) {
            // Camel's timer reads a period of 0 as one pass only
            throw new BridgeException("Setting bridge.sync.period must be longer than 0");
        }
        settings.globalDuration("sync.initial-delay", Duration.ofSeconds(1));
        // Read by Camel's redelivery policy in sync-redelivery.yaml, where -1 would mean redelivering for ever
        REDELIVERY_NUMBERS.forEach(key -> settings.requireWholeNumber(key, 0));
        // Camel Main passes it on as camel.management.port, and would listen on a random port for one it cannot read
        settings.global("observe.port").filter(port -> !port.matches("\\d{1,5}") || Integer.parseInt(port) > 65_535)
                .ifPresent(port -> {
                    throw new BridgeException("Setting bridge.observe.port must be a port number from 0 to 65535, "
                            + "not '" + port + "'");
                });
        List<String> systems = settings.systems();
        for (String system : systems) {
            settings.requireHttpUrls(system);
            LOGIN_DURATIONS.forEach(key -> settings.positiveDuration(system, key, Duration.ofHours(1)));
        }

        AuthStats authStats = new AuthStats();
        Logins logins = new Logins(settings, new LoginTransport(context, clock), clock,
                List.of(new OAuth2ClientCredentialsLogin(), new TrytonSessionLogin(), new CreatioFormsLogin(),
                        new JsonSessionLogin(), new ApiKeyLogin()), authStats, RandomGenerator.getDefault());
        Executor renewalExecutor = existing(registry, BridgeNames.RENEWAL_EXECUTOR, Executor.class,
                () -> context.getExecutorServiceManager().newSingleThreadExecutor(this, "bridge-token-renewal"));
        Renewals renewals = new Renewals(context.createProducerTemplate(), renewalExecutor, logins);
        // The login settings of each system given a base URL, read now: otherwise only its first login reads them.
        // A system without one is taken as unused here (crm and erp always have a login kind, by default).
        systems.stream().filter(system -> settings.optional(system, "base-url").isPresent())
                .forEach(logins::checkSettings);
        registry.bind("authStats", authStats);
        registry.bind("logins", logins);
        Tokens tokens = new Tokens(settings, clock, tokenCache, authStats, logins, renewals);
        systems.forEach(tokens::requireSettings);
        registry.bind("tokens", tokens);
        Observability.install(context, clock, tokenCache, tokens::cacheKey, authStats);
        Replies replies = new Replies();
        registry.bind("replies", replies);
        bindCallSteps(registry, tokens, logins, replies);

        RemoteCalls calls = new RemoteCalls(context);
        CrmClient crm = new CrmClient(settings, calls);
        crm.pageSize();
        crm.batchSize();
        registry.bind("redeliveryLog", new RedeliveryLog());
        ErpClient erp = new ErpClient(settings, calls);
        PassStats stats = new PassStats(logins);
        Path watermarkFile = Path.of(settings.global("orders.watermark-file").orElse("data/orders-watermark.json"));
        Duration clockSkew = settings.globalDuration("orders.clock-skew", WatermarkStore.DEFAULT_CLOCK_SKEW);
        Path deadLetterFile = Path.of(settings.global("dead-letters.file").orElse("data/dead-letters.jsonl"));
        Path oneSidedFile = Path.of(settings.global("stock.one-sided-file").orElse("data/stock-one-sided.json"));
        Path inDoubtFile = Path.of(settings.global("orders.in-doubt-file").orElse("data/orders-in-doubt.json"));
        registry.bind("passStats", stats);
        registry.bind("transientFailure", new TransientFailure());
        registry.bind("ordersCrmToErp", new OrdersCrmToErp(settings, crm, erp,
                new WatermarkStore(watermarkFile, clock, clockSkew), new DeadLetters(deadLetterFile, clock),
                new InDoubtOrders(inDoubtFile), stats, clock));
        registry.bind("inventoryErpToCrm", new InventoryErpToCrm(settings, crm, erp,
                new OneSidedStore(oneSidedFile), stats));
    }

    /**
     * Binds the steps of auth.yaml and authorized-call.yaml as Processors. Those routes run on every call, and
     * Camel runs a Processor as it is, where a bean step would find the method and bind its parameters each time.
     */
    private static void bindCallSteps(Registry registry, Tokens tokens, Logins logins, Replies replies) {
        bindStep(registry, "locateToken", tokens::locate);
        bindStep(registry, "useCachedToken", tokens::useCached);
        bindStep(registry, "applyToken", tokens::apply);
        bindStep(registry, "recheckToken", tokens::recheck);
        bindStep(registry, "tidyTokenLookUp", tokens::tidy);
        bindStep(registry, "stripToken", tokens::strip);
        bindStep(registry, "dropTokenIfSent", tokens::dropIfSent);
        bindStep(registry, "enterLoginGate", exchange -> logins.enter(systemOf(exchange)));
        bindStep(registry, "leaveLoginGate", exchange -> logins.leave(systemOf(exchange)));
        bindStep(registry, "prepareRequest", replies::prepare);
        bindStep(registry, "readReply", replies::read);
        bindStep(registry, "checkReply", replies::check);
        bindStep(registry, "giveBackAddress", replies::giveBackAddress);
    }

    private static String systemOf(Exchange exchange) {
        return exchange.getVariable(BridgeNames.SYSTEM, String.class);
    }

    private static void bindStep(Registry registry, String name, Processor step) {
        registry.bind(name, Processor.class, step);
    }

    /**
     * The HTTP client would otherwise resend some requests by itself, sleeping through a login endpoint's
     * {@code Retry-After}; the bridge decides itself when to call again (the 401 retry, the login backoff).
     */
    private static void disableAutomaticHttpRetries(HttpComponent http) {
        HttpClientConfigurer configured = http.getHttpClientConfigurer();
        http.setHttpClientConfigurer(builder -> {
            if (configured != null) {
                configured.configureHttpClient(builder);
            }
            builder.disableAutomaticRetries();
        });
    }

    private static <T> T existing(Registry registry, String name, Class<T> type, Supplier<? extends T> fallback) {
        T bound = registry.lookupByNameAndType(name, type);
        if (bound != null) {
            return bound;
        }
        T created = fallback.get();
        registry.bind(name, type, created);
        return created;
    }
}
