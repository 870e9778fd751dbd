package io.crmbridge.boot;

import io.crmbridge.BridgeException;
import io.crmbridge.simulator.CrmSimulator;
import io.crmbridge.simulator.ErpSimulator;
import io.crmbridge.simulator.SimulatorData;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.support.LifecycleStrategySupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The embedded default: starts the CRM and ERP simulators on loopback for each system that has no
 * {@code base-url}, and points the bridge at them with short-lived credentials so renewals show within a minute.
 *
 * <p>Its state files live in a temporary folder of its own, which it deletes, and stops the simulators, when the
 * Camel context stops: after a Ctrl+C the JVM may end as soon as Camel has stopped, before anything else runs.
 */
final class EmbeddedSimulators implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedSimulators.class);
    private static final Duration CREDENTIAL_LIFETIME = Duration.ofSeconds(30);
    private static final Duration NEW_ORDER_EVERY = Duration.ofSeconds(5);
    private static final Duration STOCK_CHANGE_EVERY = Duration.ofSeconds(7);

    private final SecureRandom random = new SecureRandom();
    private final Clock clock;
    private CrmSimulator crm;
    private ErpSimulator erp;
    private Path stateFolder;

    /** Creates the embedded default; the simulators read {@code clock} for every expiry decision. */
    EmbeddedSimulators(Clock clock) {
        this.clock = clock;
    }

    /** Starts a simulator for each system without {@code bridge.<system>.base-url} and overrides its settings. */
    void startWhereUnconfigured(CamelContext context) {
        PropertiesComponent properties = context.getPropertiesComponent();
        Map<String, String> overrides = new LinkedHashMap<>();
        SimulatorData data = SimulatorData.generate(20261204L, 5, 12, 36, clock.instant());

        if (unset(properties, "bridge.crm.base-url")) {
            if (!unset(properties, "bridge.crm.auth.token-url")) {
                throw new BridgeException("bridge.crm.auth.token-url is set but bridge.crm.base-url is not: set both "
                        + "to use a real CRM, or neither to use the CRM simulator");
            }
            // Settings given anyway (a leftover environment variable, say) win over these overrides in Camel,
            // so the simulator accepts what is configured rather than refusing it.
            String clientId = configured(properties, "bridge.crm.auth.client-id").orElse("bridge-demo");
            String secret = configured(properties, "bridge.crm.auth.client-secret").orElseGet(this::newSecret);
            crm = CrmSimulator.builder().clock(clock).data(data).clientId(clientId).clientSecret(secret)
                    .tokenLifetime(CREDENTIAL_LIFETIME).build();
            crm.start();
            crm.startActivity(NEW_ORDER_EVERY);
            overrides.put("bridge.crm.base-url", crm.baseUrl());
            overrides.put("bridge.crm.auth.kind", "oauth2-client-credentials");
            overrides.put("bridge.crm.auth.token-url", crm.tokenUrl());
            overrides.put("bridge.crm.auth.client-id", clientId);
            overrides.put("bridge.crm.auth.client-secret", secret);
            LOG.info("CRM simulator listening at {} (tokens live {} s)", crm.baseUrl(),
                    CREDENTIAL_LIFETIME.toSeconds());
        }
        if (unset(properties, "bridge.erp.base-url")) {
            String database = configured(properties, "bridge.erp.database").orElse("bridge");
            String login = configured(properties, "bridge.erp.auth.login").orElse("sync");
            String password = configured(properties, "bridge.erp.auth.password").orElseGet(this::newSecret);
            erp = ErpSimulator.builder().clock(clock).data(data).database(database).login(login).password(password)
                    .sessionLifetime(CREDENTIAL_LIFETIME).build();
            erp.start();
            erp.startActivity(STOCK_CHANGE_EVERY);
            overrides.put("bridge.erp.base-url", erp.baseUrl());
            overrides.put("bridge.erp.database", database);
            overrides.put("bridge.erp.auth.kind", "tryton-session");
            overrides.put("bridge.erp.auth.login", login);
            overrides.put("bridge.erp.auth.password", password);
            if (unset(properties, "bridge.erp.auth.session-lifetime")) {
                overrides.put("bridge.erp.auth.session-lifetime", CREDENTIAL_LIFETIME.toSeconds() + "s");
            }
            LOG.info("ERP simulator listening at {} (sessions live {} s)", erp.url(),
                    CREDENTIAL_LIFETIME.toSeconds());
        }
        if (crm != null || erp != null) {
            // Only the simulated systems get the short margin that fits their 30 s credentials.
            for (String system : List.of("crm", "erp")) {
                boolean simulated = system.equals("crm") ? crm != null : erp != null;
                if (simulated && unset(properties, "bridge.auth.expiry-margin")
                        && unset(properties, "bridge." + system + ".auth.expiry-margin")) {
                    overrides.put("bridge." + system + ".auth.expiry-margin", "3s");
                }
            }
            Path state = freshStateFolder();
            stateFolder = state;
            context.addLifecycleStrategy(LifecycleStrategySupport.adapt(
                    LifecycleStrategySupport.onCamelContextStopped(stopped -> close())));
            overrides.put("bridge.orders.watermark-file", state.resolve("orders-watermark.json").toString());
            overrides.put("bridge.dead-letters.file", state.resolve("dead-letters.jsonl").toString());
            overrides.put("bridge.stock.one-sided-file", state.resolve("stock-one-sided.json").toString());
            overrides.put("bridge.orders.in-doubt-file", state.resolve("orders-in-doubt.json").toString());
            // With both systems simulated in this process, no other instance syncs them: a lock shared with one
            // would leave this instance's simulators unsynced while the other leads.
            if (crm != null && erp != null && unset(properties, "bridge.cluster.folder")) {
                overrides.put("bridge.cluster.folder", state.resolve("cluster").toString());
            }
            overrides.forEach(properties::addOverrideProperty);
        }
    }

    /** Stops the simulators and deletes the temporary state folder; a second call does nothing. */
    @Override
    public synchronized void close() {
        if (crm != null) {
            crm.close();
            crm = null;
        }
        if (erp != null) {
            erp.close();
            erp = null;
        }
        if (stateFolder != null) {
            deleteQuietly(stateFolder);
            stateFolder = null;
        }
    }

    private static boolean unset(PropertiesComponent properties, String key) {
        return configured(properties, key).isEmpty();
    }

    private static Optional<String> configured(PropertiesComponent properties, String key) {
        return properties.resolveProperty(key).map(String::trim).filter(value -> !value.isEmpty());
    }

    private String newSecret() {
        byte[] bytes = new byte[24];
        random.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /**
     * The simulators start with fresh data, so state left by an earlier run must not meet it: a watermark would
     * hide the new orders, dead letters would name orders the simulator never had, and a list of reported
     * products would hide some of them.
     */
    private static Path freshStateFolder() {
        try {
            return Files.createTempDirectory("crm-erp-bridge-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Deletes the folder this class created and everything in it, deepest first; a link inside is removed, not
     * followed. What cannot be deleted stays, since a leftover temporary folder harms nothing.
     */
    private static void deleteQuietly(Path folder) {
        try (Stream<Path> paths = Files.walk(folder)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    LOG.debug("Could not delete {} of the embedded default's state: {}", path, e.toString());
                }
            });
        } catch (IOException | UncheckedIOException e) {
            LOG.debug("Could not delete the embedded default's state folder {}: {}", folder, e.toString());
        }
    }
}
