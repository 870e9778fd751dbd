package io.crmbridge.boot;

import io.crmbridge.simulator.CrmSimulator;
import io.crmbridge.simulator.ErpSimulator;
import io.crmbridge.simulator.ObservedRequest;
import io.crmbridge.simulator.RequestObserver;
import io.crmbridge.simulator.SimulatorData;
import io.crmbridge.testsupport.BridgeProcess;
import io.crmbridge.testsupport.Reconciliation;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A bridge process killed hard (SIGKILL) at any point of a pass and started again leaves exactly one ERP sale per
 * CRM order, with the order's lines, and the sale's number on the order.
 *
 * <p>Only what crosses the wire is used: the simulators count the requests of an undisturbed pass, then each kill
 * point starts the one-pass bridge on a fresh copy of the same data, kills it when the simulators see the chosen
 * request, and starts it again on the same watermark file until the two systems agree.
 */
class CrashRecoveryTest {

    private static final int ORDERS = 30;
    private static final String PAGE_SIZE = "7";
    private static final String SALE_CREATE = "model.sale.sale.create";
    private static final int SPREAD_POINTS = 7;
    private static final int SALE_CREATE_POINTS = 5;
    private static final int RECOVERY_PASSES = 3;
    private static final Duration RUN_LIMIT = Duration.ofSeconds(90);
    private static final Pattern SUMMARY = Pattern.compile("sync summary: .*");

    @TempDir
    Path folder;

    private final SimulatorData data = SimulatorData.generate(11L, 4, 8, ORDERS, Instant.now());

    @TestFactory
    Stream<DynamicTest> bridgeKilledAtAnyPointOfAPass_andStartedAgain_leavesExactlyOneSalePerCrmOrder()
            throws Exception {
        List<ObservedRequest> pass = undisturbedPass();
        int creates = (int) pass.stream().filter(request -> request.operation().equals(SALE_CREATE)).count();
        assertThat(creates).as("ERP sale creations in an undisturbed pass").isPositive();

        return killPoints(pass.size(), creates).stream()
                .map(point -> DynamicTest.dynamicTest(point.toString(), () -> killAndRestart(point)));
    }

    /** Runs a pass nobody disturbs, checks it syncs everything, and gives the requests it made in order. */
    private List<ObservedRequest> undisturbedPass() throws Exception {
        try (Systems systems = new Systems(folder.resolve("undisturbed"))) {
            KillSwitch recorder = new KillSwitch(null);
            Run run = systems.run("pass", recorder);

            assertThat(run.status).as("exit status of an undisturbed pass; output:%n%s", run.output).isZero();
            assertThat(Reconciliation.problems(systems.crm, systems.erp)).as("after an undisturbed pass").isEmpty();
            return recorder.arrivals();
        }
    }

    /**
     * Spreads kill points over the pass, alternating a kill as a request arrives with one after the simulator
     * handled it but before its answer leaves, and adds kills right after the ERP accepted a sale, the case that
     * tempts a restarted bridge to create the sale again.
     */
    private static List<KillPoint> killPoints(int requests, int creates) {
        List<KillPoint> points = new ArrayList<>();
        for (int i = 0; i < SPREAD_POINTS; i++) {
            int number = 1 + (int) Math.round((double) i * (requests - 1) / (SPREAD_POINTS - 1));
            points.add(new KillPoint(i % 2 == 0 ? Moment.ARRIVES : Moment.HANDLED, number, requests));
        }
        Set<Integer> numbers = new LinkedHashSet<>();
        for (int i = 0; i < SALE_CREATE_POINTS; i++) {
            numbers.add(1 + (int) Math.round((double) i * (creates - 1) / (SALE_CREATE_POINTS - 1)));
        }
        numbers.forEach(number -> points.add(new KillPoint(Moment.SALE_CREATED, number, creates)));
        return points;
    }

    private void killAndRestart(KillPoint point) throws Exception {
        try (Systems systems = new Systems(folder.resolve(point.folderName()))) {
            KillSwitch killSwitch = new KillSwitch(point);
            Run killed = systems.run("killed", killSwitch);
            assertThat(killSwitch.killedAt).as("%s: never reached; the bridge exited with %d after %d requests:%n%s",
                    point, killed.status, killSwitch.arrivals().size(), killed.output).isNotNull();

            List<String> problems = List.of();
            List<Run> restarts = new ArrayList<>();
            while (restarts.size() < RECOVERY_PASSES) {
                restarts.add(systems.run("restart-" + (restarts.size() + 1), new KillSwitch(null)));
                problems = Reconciliation.problems(systems.crm, systems.erp);
                if (problems.isEmpty()) {
                    break;
                }
            }

            Run last = restarts.get(restarts.size() - 1);
            assertThat(problems).as("%s, at %s, then %d restarted pass(es) ending with '%s'", point,
                    killSwitch.killedAt, restarts.size(), last.summary()).isEmpty();
            assertThat(last.status).as("%s: exit status of the restarted pass; output:%n%s", point, last.output)
                    .isZero();
        }
    }

    /** When a bridge process dies, counted in the requests of one pass from the start of the process. */
    private enum Moment {
        /** The N-th request reached a simulator, which then drops it unread. */
        ARRIVES,
        /** A simulator acted on the N-th request; its answer never leaves. */
        HANDLED,
        /** The ERP created the sale of the N-th sale creation; its answer never leaves. */
        SALE_CREATED
    }

    private record KillPoint(Moment moment, int number, int of) {

        String folderName() {
            return moment.name().toLowerCase() + "-" + number;
        }

        @Override
        public String toString() {
            return switch (moment) {
                case ARRIVES -> "killed as request " + number + " of " + of + " arrives";
                case HANDLED -> "killed after request " + number + " of " + of + " was handled, before its answer";
                case SALE_CREATED -> "killed after ERP sale creation " + number + " of " + of
                        + " was handled, before its answer";
            };
        }
    }

    /**
     * Watches the requests of one bridge process at both simulators and kills the process at its kill point;
     * without one it only records the requests.
     */
    private static final class KillSwitch implements RequestObserver {

        private final KillPoint point;
        private final CompletableFuture<Process> victim = new CompletableFuture<>();
        private final Map<ObservedRequest, Integer> numbers = new IdentityHashMap<>();
        private final List<ObservedRequest> arrivals = new ArrayList<>();
        private int saleCreates;
        private volatile ObservedRequest killedAt;

        KillSwitch(KillPoint point) {
            this.point = point;
        }

        @Override
        public synchronized boolean arrived(ObservedRequest request) {
            arrivals.add(request);
            numbers.put(request, arrivals.size());
            return !(at(Moment.ARRIVES, arrivals.size()) && kill(request));
        }

        @Override
        public synchronized boolean answering(ObservedRequest request, int status) {
            if (request.operation().equals(SALE_CREATE)) {
                saleCreates++;
                if (at(Moment.SALE_CREATED, saleCreates)) {
                    return !kill(request);
                }
            }
            return !(at(Moment.HANDLED, numbers.getOrDefault(request, 0)) && kill(request));
        }

        synchronized List<ObservedRequest> arrivals() {
            return List.copyOf(arrivals);
        }

        private boolean at(Moment moment, int number) {
            return point != null && killedAt == null && point.moment == moment && point.number == number;
        }

        /** Kills the process and waits until it is gone, so it never reads another answer. */
        private boolean kill(ObservedRequest request) {
            // Noted first: the test thread sees the process exit before this thread returns from waiting.
            killedAt = request;
            try {
                Process process = victim.get(RUN_LIMIT.toSeconds(), TimeUnit.SECONDS);
                process.destroyForcibly();
                if (!process.waitFor(RUN_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
                    throw new IllegalStateException("The bridge process did not die within " + RUN_LIMIT);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while killing the bridge", e);
            } catch (ExecutionException | TimeoutException e) {
                throw new IllegalStateException("The bridge process to kill was never started", e);
            }
            return true;
        }
    }

    /** The two simulators on a fresh copy of the data, and the folder holding the bridge's watermark and logs. */
    private final class Systems implements AutoCloseable {

        private final Path home;
        private final String clientSecret = "crm-secret-" + UUID.randomUUID();
        private final String erpPassword = "erp-password-" + UUID.randomUUID();
        private final CrmSimulator crm;
        private final ErpSimulator erp;

        Systems(Path home) throws IOException {
            this.home = Files.createDirectories(home);
            this.crm = CrmSimulator.builder().clock(Clock.systemUTC()).data(data).clientId("bridge-crash")
                    .clientSecret(clientSecret).build().start();
            this.erp = ErpSimulator.builder().clock(Clock.systemUTC()).data(data).password(erpPassword)
                    .sessionLifetime(Duration.ofHours(2)).build().start();
        }

        /** Runs the bridge once as a process of its own, watched by {@code observer}, until it exits. */
        Run run(String name, KillSwitch observer) throws IOException, InterruptedException {
            crm.observeRequests(observer);
            erp.observeRequests(observer);
            Path log = home.resolve(name + ".log");
            Process process = BridgeProcess.start(home, log, environment(), BridgeProcess.QUICK_START);
            observer.victim.complete(process);
            if (!process.waitFor(RUN_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("The bridge did not exit within " + RUN_LIMIT + ":\n" + Files.readString(log));
            }
            return new Run(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        }

        private Map<String, String> environment() {
            return Map.ofEntries(
                    Map.entry("BRIDGE_ONCE", "true"),
                    Map.entry("BRIDGE_ORDERS_WATERMARK_FILE", home.resolve("orders-watermark.json").toString()),
                    Map.entry("BRIDGE_CRM_PAGE_SIZE", PAGE_SIZE),
                    Map.entry("BRIDGE_CRM_BASE_URL", crm.baseUrl()),
                    Map.entry("BRIDGE_CRM_AUTH_TOKEN_URL", crm.tokenUrl()),
                    Map.entry("BRIDGE_CRM_AUTH_CLIENT_ID", "bridge-crash"),
                    Map.entry("BRIDGE_CRM_AUTH_CLIENT_SECRET", clientSecret),
                    Map.entry("BRIDGE_ERP_BASE_URL", erp.baseUrl()),
                    Map.entry("BRIDGE_ERP_DATABASE", erp.database()),
                    Map.entry("BRIDGE_ERP_AUTH_LOGIN", erp.login()),
                    Map.entry("BRIDGE_ERP_AUTH_PASSWORD", erpPassword));
        }

        @Override
        public void close() {
            crm.close();
            erp.close();
        }
    }

    private record Run(int status, String output) {

        String summary() {
            Matcher matcher = SUMMARY.matcher(output);
            return matcher.find() ? matcher.group() : "no summary line";
        }
    }
}
