package io.crmbridge.observe;

import com.github.benmanes.caffeine.cache.Cache;
import io.crmbridge.SystemSettings;
import io.crmbridge.auth.AuthStats;
import org.apache.camel.CamelContext;
import org.apache.camel.NamedNode;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.component.micrometer.eventnotifier.MicrometerRouteEventNotifier;
import org.apache.camel.component.micrometer.routepolicy.MicrometerRoutePolicyFactory;
import org.apache.camel.spi.EventNotifier;
import org.apache.camel.spi.RoutePolicy;
import org.apache.camel.spi.RoutePolicyFactory;

import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Adds, for every configured system, the login metrics, a readiness health check and the JMX token operations
 * to a Camel context. It needs no Camel Main: metrics go to whichever Micrometer registry the runtime binds.
 */
public final class Observability {

    /** The ids of the routes in auth.yaml. */
    private static final List<String> TOKEN_ROUTES = List.of("auth", "auth-login");

    private Observability() {
    }

    /** Installs metrics, health checks and the JMX token operations; call it before the context starts. */
    public static void install(CamelContext context, Clock clock, Cache<String, String> tokenCache,
                               Function<String, String> cacheKeys, AuthStats stats) {
        List<String> systems = new SystemSettings(context).systems();
        for (String system : systems) {
            context.getRegistry().bind(TokenHealthCheck.idOf(system),
                    new TokenHealthCheck(context, system, clock, stats));
        }
        leaveOutOfRouteMetrics(context, TOKEN_ROUTES);
        try {
            context.addStartupListener((started, alreadyStarted) -> keepRouteNotifiersToRouteEvents(started));
            context.addStartupListener(new AuthMetrics(systems, clock, stats));
            TokenAdmin tokenAdmin = new TokenAdmin(context.getName(), systems, clock, tokenCache, cacheKeys,
                    stats);
            context.addService(tokenAdmin, true, true);
        } catch (Exception e) {
            throw new RuntimeCamelException("Could not set up the bridge's metrics and JMX operations", e);
        }
    }

    /**
     * Keeps camel-micrometer's route policy off the given routes, for routes created from now on. The token routes
     * go without it: {@code direct:auth} runs before every call, where the policy would cost more than the cache
     * look-up itself, and the bridge's login and cache metrics already count what those routes do. Excluding a
     * route by camel-micrometer's own exclude pattern is not enough: the route still gets a policy, which times
     * every exchange entering it for the context-wide metrics. Every other route keeps its policy.
     */
    public static void leaveOutOfRouteMetrics(CamelContext context, List<String> routeIds) {
        List<RoutePolicyFactory> factories = context.getRoutePolicyFactories();
        for (int i = 0; i < factories.size(); i++) {
            if (factories.get(i) instanceof MicrometerRoutePolicyFactory micrometer) {
                factories.set(i, new RoutesLeftOut(micrometer));
            }
            if (factories.get(i) instanceof RoutesLeftOut leftOut) {
                leftOut.routeIds.addAll(routeIds);
            }
        }
    }

    /**
     * Camel builds an event before and after every send to an endpoint ({@code to}, {@code toD}, a
     * {@code direct:} hop) as long as one event notifier takes exchange events. camel-micrometer's route
     * notifier, which counts routes added and running, reads route events only but does not say so, so every call
     * paid for events nobody read. Told to ignore exchange events, it still counts routes.
     */
    static void keepRouteNotifiersToRouteEvents(CamelContext context) {
        for (EventNotifier notifier : context.getManagementStrategy().getEventNotifiers()) {
            if (notifier instanceof MicrometerRouteEventNotifier) {
                notifier.setIgnoreExchangeEvents(true);
            }
        }
    }

    /** camel-micrometer's route policy factory, giving no policy to the routes left out. */
    private static final class RoutesLeftOut implements RoutePolicyFactory {

        private final RoutePolicyFactory micrometer;
        private final Set<String> routeIds = ConcurrentHashMap.newKeySet();

        private RoutesLeftOut(RoutePolicyFactory micrometer) {
            this.micrometer = micrometer;
        }

        @Override
        public RoutePolicy createRoutePolicy(CamelContext context, String routeId, NamedNode route) {
            return routeIds.contains(routeId) ? null : micrometer.createRoutePolicy(context, routeId, route);
        }
    }
}
