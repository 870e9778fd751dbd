package io.crmbridge.bench;

import io.crmbridge.BridgeNames;
import io.crmbridge.simulator.CrmSimulator;
import io.crmbridge.testsupport.BridgeRuntime;
import io.crmbridge.testsupport.BridgeSettings;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The loopback call of the JMH benchmark's 8-thread comparison, with the call paths taking turns in short slices in
 * one JVM instead of one fork after another: the machine's speed, which drifts by more than the differences
 * measured, then falls on every path alike, and each round gives a ratio of slices run seconds apart.
 *
 * <p>The paths: {@code authorized-call} through {@code direct:auth}; the same route with a {@code direct:} hop to a
 * credential held in memory; the same route setting that credential in a step of its own, without any sub-route
 * (both from {@link CredentialHopCall}); and camel-http's own OAuth 2.0 token cache ({@link BenchRoutes}). In each
 * round every path runs one slice, in an order that moves by one path from round to round: {@code bench.threads}
 * threads (default 8) each make {@code bench.calls} calls (default 400), and the slice's time divided by all its
 * calls is the path's time per call in that round. The first {@code bench.warmup} rounds (default 20) are not
 * counted, then {@code bench.rounds} (default 40) are. Sharing one JVM, the paths share one JIT profile of the
 * code they have in common. The summary goes to {@code bench.out} (default {@code target/bench-paired.md}).
 */
public final class PairedCalls {

    private static final String CLIENT_ID = "bench";

    /** The call paths, each measured against camel-http's. */
    enum CallPath {
        AUTH("through `direct:auth` (`authorized-call`)", BridgeNames.CALL_ENDPOINT),
        HELD("`direct:` hop to a held credential", CredentialHopCall.CALL),
        INLINE("held credential set in the route, no sub-route", CredentialHopCall.INLINE_CALL),
        CAMEL_HTTP("camel-http's OAuth 2.0 token cache", BenchRoutes.CAMEL_HTTP_OAUTH2_CALL);

        private final String label;
        private final String endpoint;

        CallPath(String label, String endpoint) {
            this.label = label;
            this.endpoint = endpoint;
        }
    }

    private PairedCalls() {
    }

    /** Runs the rounds and writes the summary. */
    public static void main(String[] args) throws Exception {
        int threads = Integer.getInteger("bench.threads", 8);
        int calls = Integer.getInteger("bench.calls", 400);
        int warmup = Integer.getInteger("bench.warmup", 20);
        int rounds = Integer.getInteger("bench.rounds", 40);
        Path out = Path.of(System.getProperty("bench.out", "target/bench-paired.md"));

        String secret = "bench-secret-" + UUID.randomUUID();
        Path watermark = Files.createTempFile("bench-watermark-", ".json");
        ExecutorService callers = Executors.newFixedThreadPool(threads);
        try (CrmSimulator crm = CrmSimulator.builder().clientId(CLIENT_ID).clientSecret(secret)
                .tokenLifetime(Duration.ofHours(1)).build().start();
             BridgeRuntime bridge = BridgeRuntime.start(BridgeSettings.withWatermark(watermark)
                     .crm(crm.baseUrl(), crm.tokenUrl(), CLIENT_ID, secret).toMap(), Map.of())) {
            CamelContext context = bridge.context();
            context.addRoutes(new BenchRoutes(crm.baseUrl(), crm.tokenUrl(), CLIENT_ID, secret));
            CredentialHopCall held = new CredentialHopCall();
            held.addTo(context);
            ProducerTemplate template = bridge.template();
            held.hold(checked(template.request(BridgeNames.AUTH_ENDPOINT,
                    exchange -> exchange.setVariable(BridgeNames.SYSTEM, "crm"))));

            Slice slice = new Slice(template, callers, threads, calls, crm.baseUrl() + "/0/odata/Product?$top=1");
            Map<CallPath, List<Double>> micros = new EnumMap<>(CallPath.class);
            CallPath[] paths = CallPath.values();
            for (int round = 0; round < warmup + rounds; round++) {
                StringBuilder line = new StringBuilder(round < warmup ? "warm-up " : "round ").append(round + 1);
                for (int turn = 0; turn < paths.length; turn++) {
                    CallPath path = paths[(round + turn) % paths.length];
                    double perCall = slice.run(context.getEndpoint(path.endpoint));
                    if (round >= warmup) {
                        micros.computeIfAbsent(path, key -> new ArrayList<>()).add(perCall);
                    }
                    line.append(String.format(Locale.ROOT, ", %s %.1f", path.name().toLowerCase(Locale.ROOT),
                            perCall));
                }
                System.out.println(line);
            }
            String summary = summary(micros, threads, calls, warmup, rounds);
            Files.writeString(out, summary);
            System.out.println();
            System.out.print(summary);
            System.out.println("Written to " + out);
        } finally {
            callers.shutdownNow();
            Files.deleteIfExists(watermark);
        }
    }

    private static String summary(Map<CallPath, List<Double>> micros, int threads, int calls, int warmup,
                                  int rounds) {
        StringBuilder text = new StringBuilder();
        text.append(String.format(Locale.ROOT, "%d threads, %d calls each per slice; %d rounds after %d of warm-up;"
                + " median over the rounds (first quartile - third quartile)%n%n", threads, calls, rounds, warmup));
        text.append("| path | µs per call (wall clock / calls) | ratio to camel-http's, within each round |\n")
                .append("|---|---:|---:|\n");
        List<Double> camelHttp = micros.get(CallPath.CAMEL_HTTP);
        for (CallPath path : CallPath.values()) {
            List<Double> own = micros.get(path);
            List<Double> ratios = new ArrayList<>();
            for (int round = 0; round < own.size(); round++) {
                ratios.add(own.get(round) / camelHttp.get(round));
            }
            text.append(String.format(Locale.ROOT, "| %s | %s | %s |%n", path.label, quartiles(own, "%.1f"),
                    path == CallPath.CAMEL_HTTP ? "" : quartiles(ratios, "%.3f")));
        }
        return text.toString();
    }

    private static String quartiles(List<Double> values, String format) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int n = sorted.size();
        return String.format(Locale.ROOT, format + " (" + format + " - " + format + ")", sorted.get(n / 2),
                sorted.get(n / 4), sorted.get(3 * n / 4));
    }

    private static Exchange checked(Exchange exchange) {
        if (exchange.getException() != null) {
            throw new IllegalStateException("A benchmark call failed", exchange.getException());
        }
        return exchange;
    }

    /** One path's slice: every thread sends its calls, all starting together. */
    private record Slice(ProducerTemplate template, ExecutorService callers, int threads, int calls, String url) {

        /** Returns the slice's wall-clock time divided by the calls it made, in µs. */
        double run(Endpoint endpoint) throws Exception {
            CountDownLatch start = new CountDownLatch(1);
            Callable<Void> caller = () -> {
                start.await();
                for (int i = 0; i < calls; i++) {
                    // Sent as RemoteCalls sends it, as the JMH benchmark's calls are
                    checked(template.request(endpoint, request -> {
                        request.setVariable(BridgeNames.SYSTEM, "crm");
                        request.setVariable(BridgeNames.HTTP_METHOD, "GET");
                        request.setVariable(BridgeNames.URL, url);
                        request.getMessage().setHeader("Accept", "application/json");
                        request.getMessage().setBody(null);
                    }));
                }
                return null;
            };
            List<Future<Void>> running = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                running.add(callers.submit(caller));
            }
            long began = System.nanoTime();
            start.countDown();
            for (Future<Void> one : running) {
                one.get();
            }
            return (System.nanoTime() - began) / 1000.0 / threads / calls;
        }
    }
}
