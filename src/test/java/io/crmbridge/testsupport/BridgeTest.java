package io.crmbridge.testsupport;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

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
