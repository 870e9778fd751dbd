package io.crmbridge.boot;

import io.crmbridge.BridgeNames;
import io.crmbridge.sync.PassSummary;
import io.crmbridge.testsupport.BridgeProcess;
import io.crmbridge.testsupport.MutableClock;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The embedded default as a newcomer meets it, with the clock moved by hand: 90 s of passes every 10 s; and the
 * temporary folder of its state, which is gone once the bridge has stopped.
 */
class EmbeddedDefaultTest {

    private static final Duration RUN = Duration.ofSeconds(90);
    private static final Duration CREDENTIAL_LIFETIME = Duration.ofSeconds(30);

    @TempDir
    Path folder;

    @Test
    void ninetySeconds_moveOrdersAndStock_andRenewEachCredentialWithoutOverLogin() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-12-04T08:00:00Z"));
        EmbeddedSimulators simulators = new EmbeddedSimulators(clock);
        Main main = embeddedDefault(clock, simulators);
        List<PassSummary> passes = new ArrayList<>();
        main.start();
        try {
            for (Duration elapsed = Duration.ZERO; elapsed.compareTo(RUN) < 0; elapsed = elapsed.plusSeconds(10)) {
                passes.add(main.getCamelContext().createProducerTemplate()
                        .requestBody(BridgeNames.PASS_ENDPOINT, null, PassSummary.class));
                clock.advance(Duration.ofSeconds(10));
            }
        } finally {
            main.stop();
            simulators.close();
        }

        long crmLogins = passes.stream().mapToLong(PassSummary::loginsCrm).sum();
        long erpLogins = passes.stream().mapToLong(PassSummary::loginsErp).sum();
        long allowed = RUN.toSeconds() / CREDENTIAL_LIFETIME.toSeconds() + 1;
        assertThat(passes).allSatisfy(pass -> assertThat(pass.succeeded()).as("pass succeeded").isTrue());
        assertThat(passes.get(0).ordersCreated()).as("orders created by the first pass").isPositive();
        assertThat(passes.get(0).stockUpdated()).as("products updated by the first pass").isPositive();
        assertThat(crmLogins).as("CRM logins in 90 s").isBetween(2L, allowed);
        assertThat(erpLogins).as("ERP logins in 90 s").isBetween(2L, allowed);
        assertThat(passes.stream().skip(1).filter(pass -> pass.loginsCrm() == 0).count())
                .as("passes that reused the cached CRM token").isPositive();
    }

    @Test
    void stoppingCamel_deletesTheTemporaryStateFolder_butNotTheConfiguredLockFolder() throws Exception {
        Path lockFolder = Files.createDirectories(folder.resolve("cluster"));
        Path otherFile = Files.writeString(lockFolder.resolve("kept.txt"), "the user's own");
        MutableClock clock = new MutableClock(Instant.parse("2026-12-04T08:00:00Z"));
        EmbeddedSimulators simulators = new EmbeddedSimulators(clock);
        Main main = embeddedDefault(clock, simulators);
        main.addOverrideProperty("bridge.cluster.folder", lockFolder.toString());
        Path stateFolder;
        try {
            main.start();
            stateFolder = Path.of(main.getCamelContext().resolvePropertyPlaceholders(
                    "{{bridge.orders.watermark-file}}")).getParent();
            PassSummary pass = main.getCamelContext().createProducerTemplate()
                    .requestBody(BridgeNames.PASS_ENDPOINT, null, PassSummary.class);
            assertThat(pass.succeeded()).as("pass succeeded").isTrue();
            assertThat(stateFolder.resolve("orders-watermark.json")).as("watermark while running").exists();

            // Only Camel stops here: a Ctrl+C may end the JVM before the simulators are closed by anyone else.
            main.stop();

            assertThat(stateFolder).as("temporary state folder after the stop").doesNotExist();
            assertThat(otherFile).as("a file in the configured lock folder").hasContent("the user's own");
        } finally {
            simulators.close();
        }
    }

    @Test
    void ctrlC_onTheEmbeddedDefault_leavesNoTemporaryStateFolder() throws Exception {
        Path temporary = Files.createDirectories(folder.resolve("tmp"));
        Path log = folder.resolve("bridge.log");
        Map<String, String> environment = Map.of("BRIDGE_OBSERVE_ENABLED", "false",
                "BRIDGE_CLUSTER_TAKE_OVER", "1s", "BRIDGE_SYNC_INITIAL_DELAY", "100ms");
        List<String> jvmOptions = new ArrayList<>(BridgeProcess.QUICK_START);
        jvmOptions.add("-Djava.io.tmpdir=" + temporary);
        Process bridge = BridgeProcess.start(folder, log, environment, jvmOptions);
        try {
            awaitOutput(log, "sync summary: orders.created=");
            assertThat(stateFolders(temporary)).as("temporary state folders while running").singleElement()
                    .satisfies(state -> assertThat(state.resolve("orders-watermark.json")).exists());

            // What Ctrl+C sends.
            bridge.destroy();

            assertThat(bridge.waitFor(60, TimeUnit.SECONDS)).as("the bridge exited").isTrue();
            assertThat(stateFolders(temporary)).as("temporary state folders after the stop; output:%n%s",
                    Files.readString(log, StandardCharsets.UTF_8)).isEmpty();
        } finally {
            bridge.destroyForcibly();
        }
    }

    private static void awaitOutput(Path log, String text) throws IOException {
        try {
            Awaitility.await(text).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                    .until(() -> Files.readString(log, StandardCharsets.UTF_8).contains(text));
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("No '" + text + "' within 60 s:\n" + Files.readString(log), e);
        }
    }

    private static List<Path> stateFolders(Path temporary) {
        try (Stream<Path> entries = Files.list(temporary)) {
            return entries.filter(entry -> entry.getFileName().toString().startsWith("crm-erp-bridge-")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Camel Main on the embedded default, as BridgeApplication starts it, for passes the test sends itself: one-pass
     * settings, no metrics server, the simulators started for the systems left unconfigured, and {@code clock}.
     */
    private static Main embeddedDefault(MutableClock clock, EmbeddedSimulators simulators) {
        Main main = new Main(EmbeddedDefaultTest.class);
        main.addOverrideProperty("bridge.once", "true");
        main.bind(BridgeNames.CLOCK, clock);
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void beforeConfigure(BaseMainSupport support) {
                BridgeApplication.noServerForOnePass(support.getCamelContext().getPropertiesComponent());
                simulators.startWhereUnconfigured(support.getCamelContext());
            }
        });
        return main;
    }
}
