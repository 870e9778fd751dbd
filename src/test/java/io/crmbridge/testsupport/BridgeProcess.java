package io.crmbridge.testsupport;

import io.crmbridge.boot.BridgeApplication;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Starts the bridge as a user would, {@link BridgeApplication} in a JVM of its own, configured only by the
 * environment: no {@code BRIDGE_*} variable of the test's own environment leaks into it.
 */
public final class BridgeProcess {

    /** JVM options for a bridge that runs for seconds: the client compiler alone starts it sooner. */
    public static final List<String> QUICK_START = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

    private BridgeProcess() {
    }

    /**
     * Starts the bridge in {@code directory} with {@code environment}, its output and errors going to {@code log}.
     */
    public static Process start(Path directory, Path log, Map<String, String> environment, List<String> jvmOptions)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), BridgeApplication.class.getName()));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(directory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("BRIDGE_"));
        builder.environment().putAll(environment);
        return builder.start();
    }
}
