package io.crmbridge.boot;

import io.crmbridge.simulator.CrmSimulator;
import io.crmbridge.simulator.ErpSimulator;
import io.crmbridge.simulator.SimulatorData;
import io.crmbridge.testsupport.BridgeProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two bridges, each a process of its own, against the same CRM and ERP and the same lock folder: only the leader
 * runs passes, and when it stops, by a stop or a kill, the other one takes over within the take-over time.
 */
class TwoInstancesTest {

    private static final Duration TAKE_OVER = Duration.ofSeconds(2);
    /** Slack for a busy machine between the lock changing hands and the new leader saying so. */
    private static final Duration LEADERSHIP_SLACK = Duration.ofSeconds(1);
    /**
     * Camel's master: consumer starts the schedule 1 s after it gets the lock, the first pass waits the initial
     * delay, and a first pass logs in to both systems; the rest is slack for a busy machine.
     */
    private static final Duration FIRST_PASS_ALLOWANCE = Duration.ofSeconds(6);
    private static final Duration STARTUP = Duration.ofSeconds(60);
    private static final Pattern SUMMARY = Pattern.compile("(?m)sync summary: orders\\.created=");
    private static final String NOW_LEADER = "This bridge is now the leader of 'crm-erp-bridge'";
    private static final String NO_LONGER_LEADER = "This bridge is no longer the leader of 'crm-erp-bridge'";
    private static final String WAITING = "run only on the leader among the bridges sharing the lock folder";

    @TempDir
    Path folder;

    private CrmSimulator crm;
    private ErpSimulator erp;

    @BeforeEach
    void startSystems() {
        SimulatorData data = SimulatorData.generate(11L, 4, 8, 20, Clock.systemUTC().instant());
        crm = CrmSimulator.builder().clock(Clock.systemUTC()).data(data).clientId("bridge-pair")
                .clientSecret("pair-secret").tokenLifetime(Duration.ofMinutes(5)).build().start();
        erp = ErpSimulator.builder().clock(Clock.systemUTC()).data(data).database("bridge").login("sync")
                .password("pair-password").sessionLifetime(Duration.ofMinutes(5)).build().start();
    }

    @AfterEach
    void stopSystems() {
        crm.close();
        erp.close();
    }

    @Test
    void onlyTheLeaderSyncs_andWhenItStops_theOtherTakesOverWithinTheTakeOverTime() throws Exception {
        try (Bridge first = start("first"); Bridge second = start("second")) {
            Pair pair = leaderAndFollower(first, second);

            long stopped = System.nanoTime();
            pair.leader.process.destroy();

            Duration toLead = await(pair.follower, "leadership", () -> pair.follower.leads(), stopped);
            Duration toPass = await(pair.follower, "a first pass", () -> pair.follower.passes() > 0, stopped);
            assertThat(toLead).as("time from the stop to the follower's leadership")
                    .isLessThanOrEqualTo(TAKE_OVER.plus(LEADERSHIP_SLACK));
            assertThat(toPass).as("time from the stop to the follower's first pass")
                    .isLessThanOrEqualTo(TAKE_OVER.plus(FIRST_PASS_ALLOWANCE));
            assertThat(pair.leader.process.waitFor(30, TimeUnit.SECONDS)).as("the stopped leader exited").isTrue();
            assertThat(pair.leader.output()).as("output of the stopped leader").contains(NO_LONGER_LEADER);
            assertNewOrderSyncedOnce(pair.follower);
        }
    }

    @Test
    void whenTheLeaderIsKilled_theOtherTakesOverWithinTheTakeOverTime() throws Exception {
        try (Bridge first = start("first"); Bridge second = start("second")) {
            Pair pair = leaderAndFollower(first, second);

            long killed = System.nanoTime();
            pair.leader.process.destroyForcibly();

            Duration toLead = await(pair.follower, "leadership", () -> pair.follower.leads(), killed);
            Duration toPass = await(pair.follower, "a first pass", () -> pair.follower.passes() > 0, killed);
            // A killed leader leaves its last heartbeat in the lock folder: the follower waits the whole
            // take-over time for it to go stale, where a stopped leader clears it at once.
            assertThat(toLead).as("time from the kill to the follower's leadership")
                    .isLessThanOrEqualTo(TAKE_OVER.plus(LEADERSHIP_SLACK));
            assertThat(toPass).as("time from the kill to the follower's first pass")
                    .isLessThanOrEqualTo(TAKE_OVER.plus(FIRST_PASS_ALLOWANCE));
            assertNewOrderSyncedOnce(pair.follower);
        }
    }

    /** Waits until one bridge leads and has run passes while the other was up and trying for the lock. */
    private Pair leaderAndFollower(Bridge first, Bridge second) throws Exception {
        long started = System.nanoTime();
        awaitWithin(STARTUP, "both bridges waiting for the lock",
                () -> first.output().contains(WAITING) && second.output().contains(WAITING), first, second);
        awaitWithin(STARTUP, "a leader", () -> first.leads() || second.leads(), first, second);
        Pair pair = first.leads() ? new Pair(first, second) : new Pair(second, first);
        // Five passes of 200 ms give the follower several tries at the lock (one every 333 ms).
        long before = pair.leader.passes();
        awaitWithin(STARTUP, "five more passes of the leader", () -> pair.leader.passes() >= before + 5, first,
                second);

        assertThat(pair.follower.output()).as("output of the follower, up since %s",
                        Duration.ofNanos(System.nanoTime() - started))
                .doesNotContain(NOW_LEADER).doesNotContainPattern(SUMMARY);
        assertThat(crm.tokensIssued()).as("CRM logins: the follower never logged in").isEqualTo(1);
        assertThat(erp.logins()).as("ERP logins: the follower never logged in").isEqualTo(1);
        assertThat(erp.sales()).as("ERP sales").hasSize(crm.orders().size());
        return pair;
    }

    /** A new CRM order becomes exactly one ERP sale, now made by the former follower. */
    private void assertNewOrderSyncedOnce(Bridge newLeader) throws Exception {
        String reference = crm.addRandomOrder().id().toString();
        awaitWithin(Duration.ofSeconds(20), "the ERP sale of the new order",
                () -> erp.saleByReference(reference).isPresent(), newLeader);

        List<String> references = erp.sales().stream().map(ErpSimulator.Sale::reference).toList();
        assertThat(references).as("ERP sale references").doesNotHaveDuplicates().hasSize(crm.orders().size());
    }

    private Bridge start(String name) throws IOException {
        Path workDir = Files.createDirectories(folder.resolve(name));
        Path log = workDir.resolve("bridge.log");
        Map<String, String> environment = new HashMap<>();
        environment.put("BRIDGE_CRM_BASE_URL", crm.baseUrl());
        environment.put("BRIDGE_CRM_AUTH_TOKEN_URL", crm.tokenUrl());
        environment.put("BRIDGE_CRM_AUTH_CLIENT_ID", "bridge-pair");
        environment.put("BRIDGE_CRM_AUTH_CLIENT_SECRET", "pair-secret");
        environment.put("BRIDGE_ERP_BASE_URL", erp.baseUrl());
        environment.put("BRIDGE_ERP_DATABASE", "bridge");
        environment.put("BRIDGE_ERP_AUTH_LOGIN", "sync");
        environment.put("BRIDGE_ERP_AUTH_PASSWORD", "pair-password");
        environment.put("BRIDGE_ERP_AUTH_SESSION_LIFETIME", "5m");
        environment.put("BRIDGE_ORDERS_WATERMARK_FILE", folder.resolve("orders-watermark.json").toString());
        environment.put("BRIDGE_CLUSTER_FOLDER", folder.resolve("cluster").toString());
        environment.put("BRIDGE_CLUSTER_TAKE_OVER", TAKE_OVER.toMillis() + "ms");
        environment.put("BRIDGE_SYNC_PERIOD", "200ms");
        environment.put("BRIDGE_SYNC_INITIAL_DELAY", "100ms");
        environment.put("BRIDGE_OBSERVE_ENABLED", "false");

        return new Bridge(name, BridgeProcess.start(workDir, log, environment, BridgeProcess.QUICK_START), log);
    }

    /** Waits for {@code condition} on {@code bridge} after {@code since}, and answers how long it took from then. */
    private static Duration await(Bridge bridge, String what, BooleanSupplier condition, long since)
            throws Exception {
        awaitWithin(TAKE_OVER.plus(FIRST_PASS_ALLOWANCE).multipliedBy(3), what, condition, bridge);
        return Duration.ofNanos(System.nanoTime() - since);
    }

    private static void awaitWithin(Duration limit, String what, BooleanSupplier condition, Bridge... bridges)
            throws Exception {
        try {
            Awaitility.await(what).atMost(limit).pollInterval(Duration.ofMillis(20)).until(condition::getAsBoolean);
        } catch (ConditionTimeoutException e) {
            StringBuilder outputs = new StringBuilder();
            for (Bridge bridge : bridges) {
                outputs.append("\n--- ").append(bridge.name).append(" ---\n").append(bridge.output());
            }
            throw new AssertionError("No " + what + " within " + limit + ":" + outputs, e);
        }
    }

    private record Pair(Bridge leader, Bridge follower) {
    }

    /** A bridge process and the file its output goes to. */
    private record Bridge(String name, Process process, Path log) implements AutoCloseable {

        String output() {
            try {
                return new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new IllegalStateException("Cannot read the output of bridge " + name, e);
            }
        }

        boolean leads() {
            return output().contains(NOW_LEADER);
        }

        long passes() {
            return SUMMARY.matcher(output()).results().count();
        }

        @Override
        public void close() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
