package io.crmbridge.boot;

import io.crmbridge.BridgeException;
import io.crmbridge.BridgeNames;
import io.crmbridge.sync.PassSummary;
import org.apache.camel.CamelContext;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.spi.PropertiesComponent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;

/**
 * Starts the bridge on Camel Main: loads the YAML routes, binds the beans, and starts the built-in CRM and ERP
 * simulators for every system whose {@code base-url} is not configured.
 *
 * <p>With {@code bridge.once=true} it runs one pass of every flow and exits with status 0 when nothing failed;
 * with {@code bridge.replay=true} it syncs the dead-lettered orders once instead, and exits with status 0 when
 * none is left.
 */
public final class BridgeApplication {

    private static final Logger LOG = LoggerFactory.getLogger(BridgeApplication.class);

    private BridgeApplication() {
    }

    /** Runs the bridge until stopped, or once with {@code bridge.once=true} or {@code bridge.replay=true}. */
    public static void main(String[] args) throws Exception {
        Main main = new Main(BridgeApplication.class);
        EmbeddedSimulators simulators = new EmbeddedSimulators(Clock.systemUTC());
        OnePass onePass = new OnePass();
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void beforeConfigure(BaseMainSupport support) {
                noServerForOnePass(support.getCamelContext().getPropertiesComponent());
                simulators.startWhereUnconfigured(support.getCamelContext());
            }

            @Override
            public void afterStart(BaseMainSupport support) {
                onePass.runIfRequested(support.getCamelContext(), main::completed);
            }
        });

        int status;
        try {
            status = main.run(args);
        } finally {
            simulators.close();
        }
        System.exit(onePass.requested ? onePass.status : status);
    }

    /**
     * Keeps the management HTTP server off for a one-pass run: it would exit before anyone scraped it, and a
     * one-pass run next to a running bridge would find the port taken.
     */
    static void noServerForOnePass(PropertiesComponent properties) {
        if (flag(properties, "bridge.replay")) {
            // A replay is a one-pass run too: the scheduled passes must not start next to it.
            properties.addOverrideProperty("bridge.once", "true");
        }
        if (flag(properties, "bridge.once")) {
            properties.addOverrideProperty("camel.management.enabled", "false");
        }
    }

    /**
     * Reads a true-or-false setting, false when unset; anything else stops the start naming the setting, where
     * Camel would fail building the route that reads it.
     */
    private static boolean flag(PropertiesComponent properties, String key) {
        return properties.resolveProperty(key).map(String::trim).filter(value -> !value.isEmpty()).map(value -> {
            if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
                throw new BridgeException("Setting " + key + " must be true or false, not '" + value + "'");
            }
            return Boolean.parseBoolean(value);
        }).orElse(false);
    }

    /** Runs a single pass, or a replay of the dead letters, when asked to, then lets Camel Main stop. */
    private static final class OnePass {
        private volatile boolean requested;
        private volatile int status = 1;

        void runIfRequested(CamelContext context, Runnable completed) {
            PropertiesComponent properties = context.getPropertiesComponent();
            requested = flag(properties, "bridge.once");
            if (!requested) {
                return;
            }
            String endpoint = flag(properties, "bridge.replay") ? BridgeNames.REPLAY_ENDPOINT
                    : BridgeNames.PASS_ENDPOINT;
            long started = System.nanoTime();
            try {
                PassSummary summary = context.createProducerTemplate().requestBody(endpoint, null, PassSummary.class);
                status = summary != null && summary.succeeded() ? 0 : 1;
            } finally {
                // Without the JVM and Camel start-up around it, for whoever times a one-pass run.
                LOG.info("One pass took {} ms", (System.nanoTime() - started) / 1_000_000);
                completed.run();
            }
        }
    }
}
