package io.crmbridge.testsupport;

import io.crmbridge.BridgeNames;
import io.crmbridge.simulator.CrmSimulator;
import io.crmbridge.simulator.ErpSimulator;
import io.crmbridge.simulator.SimulatorData;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executor;

/**
 * The CRM and ERP simulators started on loopback for a test, sharing one {@link MutableClock} with the bridge,
 * and the bridge settings that point at them.
 */
public final class Simulators implements AutoCloseable {

    /** The instant every test clock starts at. */
    public static final Instant START = Instant.parse("2026-12-04T08:00:00Z");

    public final MutableClock clock = new MutableClock(START);
    public final String clientSecret = "crm-secret-" + UUID.randomUUID();
    public final String erpPassword = "erp-password-" + UUID.randomUUID();
    public final CrmSimulator crm;
    public final ErpSimulator erp;
    private final Path watermarkFile;

    private Simulators(SimulatorData crmData, SimulatorData erpData, Duration tokenLifetime,
                       Duration sessionLifetime, Path folder) {
        this.crm = CrmSimulator.builder().clock(clock).data(crmData).clientId("bridge-test")
                .clientSecret(clientSecret).tokenLifetime(tokenLifetime).build().start();
        this.erp = ErpSimulator.builder().clock(clock).data(erpData).database("bridge").login("sync")
                .password(erpPassword).sessionLifetime(sessionLifetime).build().start();
        this.watermarkFile = folder.resolve("orders-watermark.json");
    }

    /** Starts both simulators on seeded data with 30 s credentials. */
    public static Simulators start(Path folder) {
        return start(SimulatorData.generate(7L, 5, 12, 36, START), Duration.ofSeconds(30), Duration.ofSeconds(30),
                folder);
    }

    /** Starts both simulators on the given data and credential lifetimes. */
    public static Simulators start(SimulatorData data, Duration tokenLifetime, Duration sessionLifetime,
                                   Path folder) {
        return new Simulators(data, data, tokenLifetime, sessionLifetime, folder);
    }

    /** Starts the CRM simulator on {@code crmData} and the ERP simulator on {@code erpData}. */
    public static Simulators start(SimulatorData crmData, SimulatorData erpData, Path folder) {
        return new Simulators(crmData, erpData, Duration.ofSeconds(30), Duration.ofSeconds(30), folder);
    }

    /** The bridge settings that point at both simulators. */
    public Map<String, String> properties() {
        return BridgeSettings.withWatermark(watermarkFile)
                .crm(crm.baseUrl(), crm.tokenUrl(), "bridge-test", clientSecret)
                .erp(erp.baseUrl(), "bridge", "sync", erpPassword, "30s")
                .with("bridge.auth.expiry-margin", "5s")
                .toMap();
    }

    /**
     * The registry beans that make the bridge read the shared test clock and run token renewals on the calling
     * thread, so a test sees a renewal's outcome as soon as the call that started it returns.
     */
    public Map<String, Object> beans() {
        return Map.of(BridgeNames.CLOCK, clock, BridgeNames.RENEWAL_EXECUTOR, (Executor) Runnable::run);
    }

    /** The file the dead letters are kept in. */
    public Path deadLetterFile() {
        return watermarkFile.resolveSibling("dead-letters.jsonl");
    }

    /** The file the orders watermark is saved in. */
    public Path watermarkFile() {
        return watermarkFile;
    }

    /** The file the keys of the reported one-sided products are saved in. */
    public Path oneSidedFile() {
        return BridgeSettings.oneSidedFileBeside(watermarkFile);
    }

    @Override
    public void close() {
        crm.close();
        erp.close();
    }
}
