package io.crmbridge.boot;

import io.crmbridge.BridgeException;
import io.crmbridge.SystemSettings;
import io.crmbridge.sync.PassSummary;
import io.crmbridge.testsupport.BridgeRuntime;
import io.crmbridge.testsupport.Simulators;
import org.apache.camel.Consumer;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.service.ServiceHelper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LeaderLockTest {

    @TempDir
    Path folder;

    @Test
    void stoppingDuringAPass_keepsTheLockUntilThePassHasEnded() throws Exception {
        // The schedule stops before the pass it started has ended; a lock let go with it would let another
        // instance start a pass beside that one.
        CountDownLatch passRunning = new CountDownLatch(1);
        CountDownLatch passMayEnd = new CountDownLatch(1);
        LeaderLock lock = new LeaderLock(folder.resolve("cluster"), Duration.ofSeconds(1));
        DefaultCamelContext context = new DefaultCamelContext();
        context.addService(lock);
        // A lambda, not a RouteBuilder class: Camel Main, started from this package elsewhere, would load that.
        RouteBuilder.addRoutes(context, routes -> routes
                .from("master:bridges:timer:schedule?delay=0&period=60000").routeId("schedule")
                .process(exchange -> {
                    passRunning.countDown();
                    passMayEnd.await(30, TimeUnit.SECONDS);
                }));
        context.start();
        assertThat(passRunning.await(30, TimeUnit.SECONDS)).as("a pass started on the leader").isTrue();
        Consumer schedule = context.getRoute("schedule").getConsumer();

        Thread stopping = new Thread(context::stop, "stopping the bridge");
        stopping.start();
        await("the schedule to stop").atMost(Duration.ofSeconds(30)).until(() -> ServiceHelper.isStopped(schedule));
        boolean leaderWhilePassRuns = lock.isLeader("bridges");
        passMayEnd.countDown();
        stopping.join(TimeUnit.SECONDS.toMillis(30));

        assertThat(leaderWhilePassRuns).as("leader after the schedule stopped, while its pass runs").isTrue();
        assertThat(lock.isLeader("bridges")).as("leader once the bridge stopped").isFalse();
    }

    @Test
    void onePassRun_takesNoLock() throws Exception {
        // A one-pass run is started by hand or by cron and never waits for a leader that may be busy.
        Path lockFolder = folder.resolve("cluster");
        try (Simulators simulators = Simulators.start(folder)) {
            Map<String, String> properties = new HashMap<>(simulators.properties());
            properties.put("bridge.cluster.folder", lockFolder.toString());
            PassSummary pass;
            try (BridgeRuntime bridge = BridgeRuntime.start(properties, simulators.beans())) {
                pass = bridge.runPass();
            }

            assertThat(pass.succeeded()).as("the pass succeeded").isTrue();
            assertThat(pass.ordersCreated()).as("orders created").isPositive();
            assertThat(lockFolder).as("lock folder").doesNotExist();
        }
    }

    @Test
    void takeOverUnderOneSecond_isRefusedNamingTheSetting() {
        DefaultCamelContext context = new DefaultCamelContext();
        context.getPropertiesComponent().addInitialProperty("bridge.cluster.take-over", "500ms");

        assertThatThrownBy(() -> LeaderElection.fromSettings(new SystemSettings(context)))
                .isInstanceOf(BridgeException.class)
                .hasMessageContaining("bridge.cluster.take-over must be 1s or longer, not '500ms'");
    }
}
