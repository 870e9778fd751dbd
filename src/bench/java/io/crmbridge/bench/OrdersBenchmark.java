package io.crmbridge.bench;

import io.crmbridge.boot.BridgeApplication;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Times one pass of the bridge over a backlog of CRM orders: for each backlog size, starts {@link BenchSimulators}
 * in a JVM of its own, runs the bridge in another JVM with a small heap and {@code bridge.once=true}, checks that
 * every order became exactly one ERP sale, and prints a table of orders per second, peak heap and time ratios.
 *
 * <p>Settings are system properties: {@code bench.orders} (backlog sizes, default {@code 10000,100000}),
 * {@code bench.page-size} (default 100), {@code bench.bridge-heap} ({@code -Xmx} of the bridge, default
 * {@code 256m}), {@code bench.simulators-heap} (default {@code 2g}), {@code bench.jfr} ({@code true}: record both
 * JVMs with Flight Recorder and summarise where their samples fall), {@code bench.out} (folder for logs and the
 * summary, default {@code target/bench-orders}).
 */
public final class OrdersBenchmark {

    private static final Pattern PASS_TIME = Pattern.compile("One pass took (\\d+) ms");
    private static final Pattern SUMMARY = Pattern.compile("sync summary: orders\\.created=(\\d+) "
            + "orders\\.existing=(\\d+) orders\\.failed=(\\d+)");
    private static final Pattern CHECK = Pattern.compile("check orders=(\\d+) sales=(\\d+) once=(\\d+) missing=(\\d+) "
            + "duplicated=(\\d+) unknown=(\\d+) written-back=(\\d+)");
    private static final long BRIDGE_TIMEOUT_MINUTES = 60;

    private final int pageSize = Integer.getInteger("bench.page-size", 100);
    private final String bridgeHeap = System.getProperty("bench.bridge-heap", "256m");
    private final String simulatorsHeap = System.getProperty("bench.simulators-heap", "2g");
    private final boolean jfr = Boolean.getBoolean("bench.jfr");
    private final Path out = Path.of(System.getProperty("bench.out", "target/bench-orders"));
    private final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    private final String classpath = System.getProperty("java.class.path");
    private final SecureRandom random = new SecureRandom();

    /** What one backlog size gave. */
    private record Run(int orders, int exitStatus, long passMillis, long processMillis, String summary,
                       GcLog.Peaks bridgeHeap, GcLog.Peaks simulatorsHeap, String check, boolean allOnce) {

        double passRate() {
            return orders * 1000.0 / passMillis;
        }

        double processRate() {
            return orders * 1000.0 / processMillis;
        }
    }

    private OrdersBenchmark() {
    }

    /** Runs the benchmark for every size in {@code bench.orders} and prints the table; exits 1 if a check failed. */
    public static void main(String[] args) throws Exception {
        new OrdersBenchmark().runAll();
    }

    private void runAll() throws Exception {
        Files.createDirectories(out);
        List<Run> runs = new ArrayList<>();
        for (String size : System.getProperty("bench.orders", "10000,100000").split(",")) {
            Run run = run(Integer.parseInt(size.trim()));
            runs.add(run);
            System.out.printf(Locale.ROOT, "%d orders: pass %.1f s, %s%n", run.orders(), run.passMillis() / 1000.0,
                    run.check());
        }
        String summary = summary(runs);
        Path summaryFile = out.resolve("orders-summary.md");
        Files.writeString(summaryFile, summary);
        System.out.println();
        System.out.print(summary);
        System.out.println("(also in " + summaryFile + "; logs of each process beside it)");
        if (runs.stream().anyMatch(run -> run.exitStatus() != 0 || !run.allOnce())) {
            System.exit(1);
        }
    }

    private Run run(int orders) throws Exception {
        String clientSecret = secret();
        String erpPassword = secret();
        String simulatorsName = "simulators-" + orders;
        String bridgeName = "bridge-" + orders;
        List<String> simulatorsCommand = jvm(simulatorsName, simulatorsHeap);
        simulatorsCommand.addAll(List.of("-Dlogback.configurationFile=logback-bench.xml", "-cp", classpath,
                BenchSimulators.class.getName(), String.valueOf(orders)));
        List<String> bridgeCommand = jvm(bridgeName, bridgeHeap);
        bridgeCommand.addAll(List.of("-cp", classpath, BridgeApplication.class.getName()));

        Run run;
        try (SimulatorsProcess simulators = SimulatorsProcess.start(simulatorsCommand, clientSecret, erpPassword,
                fresh(simulatorsName + ".log"))) {
            Map<String, String> environment = new LinkedHashMap<>();
            simulators.settings().forEach((name, value) -> environment.put(variable(name), value));
            environment.put("BRIDGE_ONCE", "true");
            environment.put("BRIDGE_CRM_PAGE_SIZE", String.valueOf(pageSize));
            environment.put("BRIDGE_ORDERS_WATERMARK_FILE", fresh("watermark-" + orders + ".json").toString());
            environment.put("BRIDGE_CRM_AUTH_CLIENT_SECRET", clientSecret);
            environment.put("BRIDGE_ERP_AUTH_PASSWORD", erpPassword);
            run = runBridge(orders, bridgeCommand, environment, fresh(bridgeName + ".log"), simulators);
        }
        if (jfr) {
            // Each JVM writes its recording when it exits, so the simulators' is there only now.
            for (String name : List.of(bridgeName, simulatorsName)) {
                Files.writeString(fresh(name + "-profile.txt"), JfrSummary.of(out.resolve(name + ".jfr")));
            }
        }
        return run;
    }

    /** Times the bridge from process start to exit, reads its pass time and summary, and checks the ERP. */
    private Run runBridge(int orders, List<String> command, Map<String, String> settings, Path log,
                          SimulatorsProcess simulators) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        clearBridgeVariables(builder.environment());
        builder.environment().putAll(settings);
        long started = System.nanoTime();
        Process bridge = builder.start();
        if (!bridge.waitFor(BRIDGE_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
            bridge.destroyForcibly();
            throw new IllegalStateException("The bridge did not finish " + orders + " orders within "
                    + BRIDGE_TIMEOUT_MINUTES + " minutes; see " + log);
        }
        long processMillis = (System.nanoTime() - started) / 1_000_000;

        String output = Files.readString(log, StandardCharsets.UTF_8);
        Matcher pass = PASS_TIME.matcher(output);
        Matcher summary = SUMMARY.matcher(output);
        if (!pass.find() || !summary.find()) {
            throw new IllegalStateException("The bridge log has no pass time or summary line; see " + log);
        }
        String check = simulators.check();
        Matcher counts = CHECK.matcher(check);
        boolean allOnce = counts.matches() && counts.group(2).equals(String.valueOf(orders))
                && counts.group(3).equals(String.valueOf(orders));
        return new Run(orders, bridge.exitValue(), Long.parseLong(pass.group(1)), processMillis, summary.group(),
                GcLog.peaks(out.resolve("bridge-" + orders + "-gc.log")),
                GcLog.peaks(out.resolve("simulators-" + orders + "-gc.log")), check, allOnce);
    }

    /** The start of a JVM command line: heap, GC log and, with {@code bench.jfr}, a Flight Recorder recording. */
    private List<String> jvm(String name, String heap) throws IOException {
        List<String> command = new ArrayList<>(List.of(java, "-Xmx" + heap,
                "-Xlog:gc:file=" + fresh(name + "-gc.log")));
        if (jfr) {
            // Camel's stacks are deep: the default depth of 64 frames would cut off the bridge's own methods.
            command.add("-XX:FlightRecorderOptions:stackdepth=256");
            command.add("-XX:StartFlightRecording=filename=" + fresh(name + ".jfr") + ",settings=profile");
        }
        return command;
    }

    private String summary(List<Run> runs) {
        StringBuilder table = new StringBuilder(String.format(Locale.ROOT, "Bridge -Xmx%s, page size %d, %d lines per "
                + "order, simulators in their own JVM (-Xmx%s).%n%n", bridgeHeap, pageSize,
                BenchSimulators.LINES_PER_ORDER, simulatorsHeap));
        table.append("| orders | exit | pass s | orders/s (pass) | process s | orders/s (process) "
                + "| bridge heap peak MB | bridge heap after GC, max MB | bridge GC pauses "
                + "| simulators heap after GC, max MB | created / existing / failed | ERP check |\n");
        table.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|\n");
        for (Run run : runs) {
            Matcher counts = SUMMARY.matcher(run.summary());
            String created = counts.find() ? counts.group(1) + " / " + counts.group(2) + " / " + counts.group(3) : "?";
            table.append(String.format(Locale.ROOT, "| %d | %d | %.1f | %.0f | %.1f | %.0f ", run.orders(),
                    run.exitStatus(), run.passMillis() / 1000.0, run.passRate(), run.processMillis() / 1000.0,
                    run.processRate()));
            table.append(String.format(Locale.ROOT, "| %d | %d | %d | %d | %s | %s |%n", run.bridgeHeap().beforeGc(),
                    run.bridgeHeap().afterGc(), run.bridgeHeap().pauses(), run.simulatorsHeap().afterGc(), created,
                    run.check().replaceFirst("^check ", "")));
        }
        if (runs.size() >= 2) {
            Run small = runs.stream().min(Comparator.comparingInt(Run::orders)).orElseThrow();
            Run large = runs.stream().max(Comparator.comparingInt(Run::orders)).orElseThrow();
            double linear = (double) large.orders() / small.orders();
            table.append(String.format(Locale.ROOT, "%n- t(%d) / t(%d), pass: %.2f; process: %.2f (linear: %.1f)%n",
                    large.orders(), small.orders(), (double) large.passMillis() / small.passMillis(),
                    (double) large.processMillis() / small.processMillis(), linear));
        }
        return table.toString();
    }

    /** Camel Main reads {@code bridge.crm.base-url} from {@code BRIDGE_CRM_BASE_URL}. */
    private static String variable(String setting) {
        return setting.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** The bridge under test must see only the settings given here, not some left in the caller's environment. */
    private static void clearBridgeVariables(Map<String, String> environment) {
        environment.keySet().removeIf(name -> name.startsWith("BRIDGE_"));
    }

    private Path fresh(String name) throws IOException {
        Path file = out.resolve(name);
        Files.deleteIfExists(file);
        return file;
    }

    private String secret() {
        byte[] bytes = new byte[24];
        random.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
