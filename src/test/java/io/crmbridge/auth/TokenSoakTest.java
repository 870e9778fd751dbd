package io.crmbridge.auth;

import io.crmbridge.remote.RemoteCalls;
import io.crmbridge.testsupport.BridgeRuntime;
import io.crmbridge.testsupport.BridgeTest;
import io.crmbridge.testsupport.Simulators;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many callers through {@link RemoteCalls} to both simulators while the shared clock crosses several credential
 * lifetimes: what a user sees is one login per renewal period per system and no request refused for an expired
 * credential.
 */
class TokenSoakTest extends BridgeTest {

    private static final int CALLERS = 64;
    private static final int LIFETIMES = 4;
    /** Both simulators hand out 30 s credentials (Simulators.start); the bridge renews them 5 s early. */
    private static final Duration LIFETIME = Duration.ofSeconds(30);
    private static final Duration STEP = Duration.ofSeconds(1);
    private static final Duration STEP_DEADLINE = Duration.ofSeconds(30);
    private static final String ERP_PREFERENCES =
            "{\"id\":1,\"method\":\"model.res.user.get_preferences\",\"params\":[true,{}]}";


    @BeforeEach
    void start() {
        systems = Simulators.start(folder);
        bridge = BridgeRuntime.start(systems.properties(), systems.beans());
    }

    @Test
    void sixtyFourCallers_acrossFourLifetimes_logInOncePerLifetime_andSendNoExpiredCredential() throws Exception {
        runCallersWhileTimePasses(LIFETIME.multipliedBy(LIFETIMES).minus(STEP));

        // The clock ends one step short of the fifth lifetime. A token is usable until its 5 s margin (25 s) and
        // renewed in the last 20 % of that, from 20 s: a login at the start, then one per 20 to 25 s, so 5 or 6
        // logins in all; a login per caller or per step would show as many more.
        int mostLogins = 1 + (int) (LIFETIME.multipliedBy(LIFETIMES).minus(STEP).toSeconds() / 20);
        assertThat(systems.crm.tokensIssued()).as("CRM logins over %d lifetimes", LIFETIMES)
                .isBetween(LIFETIMES + 1, mostLogins);
        assertThat(systems.erp.logins()).as("ERP logins over %d lifetimes", LIFETIMES)
                .isBetween(LIFETIMES + 1, mostLogins);
        assertThat(systems.crm.expiredTokenRejections()).as("CRM requests refused for an expired token")
                .isZero();
        assertThat(systems.erp.expiredSessionRejections()).as("ERP requests refused for an expired session")
                .isZero();
        assertThat(systems.crm.unknownTokenRejections()).as("CRM requests refused for an unknown token").isZero();
        assertThat(systems.erp.unknownSessionRejections()).as("ERP requests refused for an unknown session")
                .isZero();
    }

    /**
     * Keeps every caller calling, alternately the CRM and the ERP, and moves the clock one step at a time until
     * {@code span} has passed. The clock moves only once every caller has finished a call begun at the current
     * instant, so no call is in flight across more than one step.
     */
    private void runCallersWhileTimePasses(Duration span) throws Exception {
        RemoteCalls calls = new RemoteCalls(bridge.context());
        AtomicReference<CountDownLatch> step = new AtomicReference<>(new CountDownLatch(CALLERS));
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicBoolean running = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(CALLERS);
        try {
            for (int i = 0; i < CALLERS; i++) {
                boolean crmFirst = i % 2 == 0;
                pool.execute(() -> call(calls, step, running, failure, crmFirst));
            }

            long steps = span.dividedBy(STEP);
            for (long done = 0; ; done++) {
                assertThat(step.get().await(STEP_DEADLINE.toSeconds(), TimeUnit.SECONDS))
                        .as("every caller finished a call at step %d", done).isTrue();
                if (done == steps || failure.get() != null) {
                    break;
                }
                systems.clock.advance(STEP);
                step.set(new CountDownLatch(CALLERS));
            }
        } finally {
            running.set(false);
            pool.shutdown();
            assertThat(pool.awaitTermination(STEP_DEADLINE.toSeconds(), TimeUnit.SECONDS)).as("callers stopped")
                    .isTrue();
        }
        assertThat(failure.get()).as("first error a caller saw").isNull();
    }

    /** Calls until stopped, counting down each step's latch once, after a call that began within that step. */
    private void call(RemoteCalls calls, AtomicReference<CountDownLatch> step, AtomicBoolean running,
                      AtomicReference<Throwable> failure, boolean crmFirst) {
        CountDownLatch counted = null;
        boolean crm = crmFirst;
        while (running.get()) {
            CountDownLatch current = step.get();
            try {
                if (crm) {
                    calls.call("crm", "GET", systems.crm.odataUrl() + "Product?$top=1", null, null);
                } else {
                    calls.call("erp", "POST", systems.erp.url(), "application/json", ERP_PREFERENCES);
                }
            } catch (RuntimeException e) {
                // Release the step so the test stops at once and reports this error rather than a timeout.
                failure.compareAndSet(null, e);
                while (step.get().getCount() > 0) {
                    step.get().countDown();
                }
                return;
            }
            if (current != counted) {
                current.countDown();
                counted = current;
            }
            crm = !crm;
        }
    }
}
