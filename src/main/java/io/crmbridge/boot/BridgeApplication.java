package io.crmbridge.boot;

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
 * <p>With {@code bridge.once=true} it runs one pass of every flow and exits with status 0 when nothing failed.
 */
public final class BridgeApplication {

    private static final Logger LOG = LoggerFactory.getLogger(BridgeApplication.class);

    private BridgeApplication() {
    }

    /** Runs the bridge until stopped, or for one pass with {@code bridge.once=true}. */
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
        if (onePassRequested(properties)) {
            properties.addOverrideProperty("camel.management.enabled", "false");
        }
    }

    private static boolean onePassRequested(PropertiesComponent properties) {
        return properties.resolveProperty("bridge.once").map(value -> Boolean.parseBoolean(value.trim()))
                .orElse(false);
    }

    /** Runs a single pass when {@code bridge.once=true}, then lets Camel Main stop. */
    private static final class OnePass {
        private volatile boolean requested;
        private volatile int status = 1;

        void runIfRequested(CamelContext context, Runnable completed) {
            requested = onePassRequested(context.getPropertiesComponent());
            if (!requested) {
                return;
            }
            long started = System.nanoTime();
            try {
                PassSummary summary = context.createProducerTemplate()
                        .requestBody(BridgeNames.PASS_ENDPOINT, null, PassSummary.class);
                status = summary != null && summary.succeeded() ? 0 : 1;
            } finally {
                // Without the JVM and Camel start-up around it, for whoever times a one-pass run.
                LOG.info("One pass took {} ms", (System.nanoTime() - started) / 1_000_000);
                completed.run();
            }
        }
    }
}
