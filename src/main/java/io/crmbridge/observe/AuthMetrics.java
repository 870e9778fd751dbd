package io.crmbridge.observe;

import io.crmbridge.auth.AuthStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Publishes {@link AuthStats} per system on the Micrometer registry of the context, which Prometheus reads as
 * {@code bridge_logins_total}, {@code bridge_login_failures_total}, {@code bridge_token_cache_hits_total},
 * {@code bridge_token_cache_misses_total} and {@code bridge_token_expires_in_seconds}, each with a
 * {@code system} label.
 *
 * <p>It binds once the context has started, because the runtime creates its registry while starting.
 */
final class AuthMetrics implements StartupListener {

    private static final Logger LOG = LoggerFactory.getLogger(AuthMetrics.class);

    private final List<String> systems;
    private final Clock clock;
    private final AuthStats stats;
    private boolean registered;

    /** Creates the metrics of {@code systems}, read from {@code stats} at each scrape. */
    AuthMetrics(List<String> systems, Clock clock, AuthStats stats) {
        this.systems = systems;
        this.clock = clock;
        this.stats = stats;
    }

    /**
     * Registers the meters once, the first time a Micrometer registry is found: Camel calls startup listeners again
     * whenever routes are added to the running context, and Micrometer warns about each meter registered twice.
     */
    @Override
    public synchronized void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
        if (registered) {
            return;
        }
        MeterRegistry registry = context.getRegistry()
                .lookupByNameAndType(MicrometerConstants.METRICS_REGISTRY_NAME, MeterRegistry.class);
        if (registry == null) {
            registry = context.getRegistry().findSingleByType(MeterRegistry.class);
        }
        if (registry == null) {
            LOG.debug("No Micrometer registry in the context: the bridge's login metrics are not published");
            return;
        }
        for (String system : systems) {
            counter(registry, system, "bridge.logins", "Successful logins", s -> s.logins(system));
            counter(registry, system, "bridge.login.failures", "Failed logins", s -> s.loginFailures(system));
            counter(registry, system, "bridge.token.cache.hits", "Callers served by the cached token",
                    s -> s.cacheHits(system));
            counter(registry, system, "bridge.token.cache.misses", "Callers that found no usable cached token",
                    s -> s.cacheMisses(system));
            Gauge.builder("bridge.token.expires.in", stats, s -> secondsLeft(s, system))
                    .description("Seconds until the current token expires; negative once expired, NaN if none")
                    .baseUnit("seconds")
                    .tag("system", system)
                    .strongReference(true)
                    .register(registry);
        }
        registered = true;
    }

    private double secondsLeft(AuthStats source, String system) {
        return source.expiresAt(system)
                .map(expiry -> Duration.between(clock.instant(), expiry).toMillis() / 1000.0)
                .orElse(Double.NaN);
    }

    private void counter(MeterRegistry registry, String system, String name, String description,
                         ToDoubleFunction<AuthStats> count) {
        FunctionCounter.builder(name, stats, count)
                .description(description)
                .tag("system", system)
                .register(registry);
    }
}
