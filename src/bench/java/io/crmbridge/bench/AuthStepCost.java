package io.crmbridge.bench;

import com.sun.management.ThreadMXBean;
import io.crmbridge.BridgeNames;
import io.crmbridge.observe.Observability;
import io.crmbridge.remote.HttpCalls;
import io.crmbridge.simulator.CrmSimulator;
import io.crmbridge.testsupport.BridgeRuntime;
import io.crmbridge.testsupport.BridgeSettings;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.ToDefinition;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Measures what {@code direct:auth} costs where it really runs: inside a call, between two HTTP round trips, rather
 * than in a loop of its own as JMH's {@code authHit} does.
 *
 * <p>Each step runs in a JVM of its own (so no other step's code shares its JIT profile), which sends calls to the
 * CRM simulator through a route that reads the calling thread's CPU time and allocated bytes just before and just
 * after the step. The steps are: none (the baseline: the two readings alone), a {@code direct:} hop to a route with
 * one step that does nothing, and {@code direct:auth} on a cache hit. Every call sends the same request through the
 * bridge's camel-http endpoint with the same credential, so only the step differs. The steps take turns, round after
 * round, so a slower or faster spell of the machine falls on all of them.
 *
 * <p>Settings are system properties: {@code bench.rounds} (default 3), {@code bench.calls} (calls measured per JVM
 * after as many again for warm-up, default 15000), {@code bench.out} (the summary file, default
 * {@code target/bench-steps.md}).
 */
public final class AuthStepCost {

    private static final String CLIENT_ID = "bench";
    private static final String CALL = "direct:bench-step-cost";
    private static final String HOP = "direct:bench-bare-hop";
    private static final String RESULT = "step-cost ";

    /** What runs between the two readings. */
    enum Step {
        NONE("no step (baseline)", null),
        HOP("`direct:` hop to a route with one step", AuthStepCost.HOP),
        AUTH("`direct:auth`, cache hit", BridgeNames.AUTH_ENDPOINT);

        private final String label;
        private final String endpoint;

        Step(String label, String endpoint) {
            this.label = label;
            this.endpoint = endpoint;
        }
    }

    /** The averages one JVM measured per call: the step alone, and the whole call on the calling thread. */
    record Figures(double stepCpuNanos, double stepBytes, double callCpuNanos, double callBytes) {

        static Figures parse(String line) {
            String[] parts = line.substring(RESULT.length()).trim().split(" ");
            return new Figures(Double.parseDouble(parts[1]), Double.parseDouble(parts[2]),
                    Double.parseDouble(parts[3]), Double.parseDouble(parts[4]));
        }
    }

    private AuthStepCost() {
    }

    /** With no arguments runs every step in turn and writes the summary; with a step and a count, measures one. */
    public static void main(String[] args) throws Exception {
        if (args.length == 2) {
            Figures figures = measure(Step.valueOf(args[0]), Integer.parseInt(args[1]));
            System.out.printf(Locale.ROOT, RESULT + "%s %.1f %.1f %.1f %.1f%n", args[0], figures.stepCpuNanos(),
                    figures.stepBytes(), figures.callCpuNanos(), figures.callBytes());
            System.exit(0);
        }
        int rounds = Integer.getInteger("bench.rounds", 3);
        int calls = Integer.getInteger("bench.calls", 15000);
        Map<Step, List<Figures>> results = new EnumMap<>(Step.class);
        for (int round = 1; round <= rounds; round++) {
            for (Step step : Step.values()) {
                Figures figures = runInOwnJvm(step, calls);
                results.computeIfAbsent(step, s -> new ArrayList<>()).add(figures);
                System.out.printf(Locale.ROOT, "round %d, %s: %.2f us, %.0f B%n", round, step.label,
                        figures.stepCpuNanos() / 1000, figures.stepBytes());
            }
        }
        String summary = summary(results, rounds, calls);
        Path out = Path.of(System.getProperty("bench.out", "target/bench-steps.md"));
        Files.writeString(out, summary);
        System.out.println();
        System.out.print(summary);
        System.out.println("Written to " + out);
    }

    private static Figures runInOwnJvm(Step step, int calls) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = List.of(java, "-Dlogback.configurationFile=logback-bench.xml",
                "-cp", System.getProperty("java.class.path"), AuthStepCost.class.getName(), step.name(),
                Integer.toString(calls));
        Path log = Files.createTempFile("bench-steps-" + step.name().toLowerCase(Locale.ROOT) + "-", ".log");
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                    .start();
            boolean ended = process.waitFor(10, TimeUnit.MINUTES);
            if (!ended) {
                process.destroyForcibly();
            }
            String output = Files.readString(log, StandardCharsets.UTF_8);
            if (!ended || process.exitValue() != 0) {
                throw new IllegalStateException("The JVM measuring " + step
                        + (ended ? " failed:\n" : " did not end within 10 minutes:\n") + output);
            }
            return result(step, output);
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static Figures result(Step step, String output) {
        return output.lines().filter(line -> line.startsWith(RESULT)).findFirst().map(Figures::parse)
                .orElseThrow(() -> new IllegalStateException("No result from the JVM measuring " + step + ":\n"
                        + output));
    }

    /** Starts simulator and bridge, warms up with {@code calls} calls, then measures {@code calls} more. */
    private static Figures measure(Step step, int calls) throws Exception {
        String secret = "bench-secret-" + UUID.randomUUID();
        Path watermark = Files.createTempFile("bench-watermark-", ".json");
        try (CrmSimulator crm = CrmSimulator.builder().clientId(CLIENT_ID).clientSecret(secret)
                .tokenLifetime(Duration.ofHours(1)).build().start();
             BridgeRuntime bridge = BridgeRuntime.start(BridgeSettings.withWatermark(watermark)
                     .crm(crm.baseUrl(), crm.tokenUrl(), CLIENT_ID, secret).toMap(), Map.of())) {
            ProducerTemplate template = bridge.template();
            Map<String, Object> credential = credential(template);
            StepMeter meter = new StepMeter();
            // direct:auth runs without Camel's route metrics (see Observability); so does the hop it is compared with.
            Observability.leaveOutOfRouteMetrics(bridge.context(), List.of("bench-bare-hop"));
            bridge.context().addRoutes(new MeasuredCall(step, credential, meter));

            String url = crm.baseUrl() + "/0/odata/Product?$top=1";
            for (int i = 0; i < calls; i++) {
                call(template, url);
            }
            meter.reset();
            ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
            long cpu = threads.getCurrentThreadCpuTime();
            long bytes = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < calls; i++) {
                call(template, url);
            }
            long callCpu = threads.getCurrentThreadCpuTime() - cpu;
            long callBytes = threads.getCurrentThreadAllocatedBytes() - bytes;
            return new Figures(meter.cpuNanos / (double) calls, meter.bytes / (double) calls,
                    callCpu / (double) calls, callBytes / (double) calls);
        } finally {
            Files.deleteIfExists(watermark);
        }
    }

    /** The headers direct:auth puts on an exchange for the CRM, read once so every step sends the same request. */
    private static Map<String, Object> credential(ProducerTemplate template) {
        Exchange exchange = template.request(BridgeNames.AUTH_ENDPOINT,
                request -> request.setVariable(BridgeNames.SYSTEM, "crm"));
        if (exchange.getException() != null) {
            throw new IllegalStateException("The first login failed", exchange.getException());
        }
        Map<String, Object> headers = new HashMap<>(exchange.getMessage().getHeaders());
        headers.keySet().removeIf(name -> name.startsWith("Camel"));
        return headers;
    }

    private static void call(ProducerTemplate template, String url) {
        Exchange exchange = template.request(CALL, request -> {
            request.setVariable(BridgeNames.SYSTEM, "crm");
            request.setVariable(BridgeNames.HTTP_METHOD, "GET");
            request.setVariable(BridgeNames.URL, url);
            request.getMessage().setHeader("Accept", "application/json");
        });
        if (exchange.getException() != null) {
            throw new IllegalStateException("Call failed", exchange.getException());
        }
    }

    private static String summary(Map<Step, List<Figures>> results, int rounds, int calls) {
        StringBuilder text = new StringBuilder();
        text.append(String.format(Locale.ROOT, "%d rounds, each step in a JVM of its own, %d calls measured per "
                + "JVM after %d of warm-up; calling thread only, median over the rounds (lowest - highest)%n%n",
                rounds, calls, calls));
        text.append("| step | CPU µs per call | bytes allocated per call |\n|---|---:|---:|\n");
        for (Step step : Step.values()) {
            List<Figures> figures = results.get(step);
            text.append(String.format(Locale.ROOT, "| %s | %s | %s |%n", step.label,
                    spread(figures.stream().mapToDouble(f -> f.stepCpuNanos() / 1000).toArray(), "%.2f"),
                    spread(figures.stream().mapToDouble(Figures::stepBytes).toArray(), "%.0f")));
        }
        double none = median(results.get(Step.NONE).stream().mapToDouble(Figures::stepCpuNanos).toArray());
        double hop = median(results.get(Step.HOP).stream().mapToDouble(Figures::stepCpuNanos).toArray());
        double auth = median(results.get(Step.AUTH).stream().mapToDouble(Figures::stepCpuNanos).toArray());
        double call = median(results.get(Step.NONE).stream().mapToDouble(Figures::callCpuNanos).toArray());
        text.append(String.format(Locale.ROOT, "%nThe whole call without a step: %.1f µs of CPU on the calling "
                + "thread.%n%n", call / 1000));
        text.append("| ratio, from the medians | value |\n|---|---:|\n");
        text.append(String.format(Locale.ROOT, "| (hop - baseline) / call | %.3f |%n", (hop - none) / call));
        text.append(String.format(Locale.ROOT, "| (direct:auth - baseline) / call | %.3f |%n", (auth - none) / call));
        text.append(String.format(Locale.ROOT, "| (direct:auth - hop) / call | %.3f |%n", (auth - hop) / call));
        text.append(String.format(Locale.ROOT, "| (direct:auth - baseline) / (hop - baseline) | %.2f |%n",
                (auth - none) / (hop - none)));
        return text.toString();
    }

    private static String spread(double[] values, String format) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return String.format(Locale.ROOT, format + " (" + format + " - " + format + ")", median(sorted), sorted[0],
                sorted[sorted.length - 1]);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /** Adds up the calling thread's CPU time and allocation between {@link #start} and {@link #stop}. */
    static final class StepMeter {

        private final ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        private long startCpu;
        private long startBytes;
        private long cpuNanos;
        private long bytes;

        void start(Exchange exchange) {
            startBytes = threads.getCurrentThreadAllocatedBytes();
            startCpu = threads.getCurrentThreadCpuTime();
        }

        void stop(Exchange exchange) {
            long cpu = threads.getCurrentThreadCpuTime();
            long allocated = threads.getCurrentThreadAllocatedBytes();
            cpuNanos += cpu - startCpu;
            bytes += allocated - startBytes;
        }

        void reset() {
            cpuNanos = 0;
            bytes = 0;
        }
    }

    /**
     * The measured call: the request addressed as {@code authorized-call} addresses it, the two readings around
     * the step (where the step is not direct:auth, the credential direct:auth would put on the exchange is set
     * before them), then the HTTP call and the reply read as {@code authorized-call} does.
     */
    private static final class MeasuredCall extends RouteBuilder {

        private final Step step;
        private final Map<String, Object> credential;
        private final StepMeter meter;

        MeasuredCall(Step step, Map<String, Object> credential, StepMeter meter) {
            this.step = step;
            this.credential = credential;
            this.meter = meter;
        }

        @Override
        public void configure() {
            from(HOP)
                    .routeId("bench-bare-hop")
                    .removeHeader("BenchNothing");

            RouteDefinition route = from(CALL).routeId("bench-step-cost");
            if (step != Step.AUTH) {
                // The request direct:auth would have authorised: the step itself then leaves the exchange as it is.
                route.process(exchange -> credential.forEach(exchange.getMessage()::setHeader));
            }
            route.process("prepareRequest")
                    .process(meter::start);
            if (step.endpoint != null) {
                route.to(step.endpoint);
            }
            ToDefinition send = new ToDefinition(HttpCalls.ENDPOINT);
            send.setVariableReceive(BridgeNames.RAW_RESPONSE);
            route.process(meter::stop)
                    .addOutput(send);
            route.process("readReply")
                    .process(exchange -> credential.keySet().forEach(exchange.getMessage()::removeHeader))
                    .process("checkReply");
        }
    }
}
