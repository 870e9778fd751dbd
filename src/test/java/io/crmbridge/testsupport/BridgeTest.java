package io.crmbridge.testsupport;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Base of the tests that run the bridge against simulated systems: each test gets a folder of its own for the
 * bridge's files, and whatever bridge and simulators it started are stopped after it, bridge first.
 */
public abstract class BridgeTest {

    /** A folder of this test's own, for the watermark, dead letters and other state files. */
    @TempDir
    protected Path folder;

    /** The simulators the test started, or null. */
    protected Simulators systems;

    /** The bridge the test started, or null. */
    protected BridgeRuntime bridge;

    /** Starts the bridge against the simulators the test started, with the given settings replaced or added. */
    protected void startBridgeWith(Map<String, String> settings) {
        Map<String, String> properties = new HashMap<>(systems.properties());
        properties.putAll(settings);
        bridge = BridgeRuntime.start(properties, systems.beans());
    }

    @AfterEach
    void stopBridgeAndSystems() {
        if (bridge != null) {
            bridge.close();
        }
        if (systems != null) {
            systems.close();
        }
    }
}
