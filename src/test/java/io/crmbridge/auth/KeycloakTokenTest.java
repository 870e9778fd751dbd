package io.crmbridge.auth;

import io.crmbridge.BridgeNames;
import io.crmbridge.remote.RemoteCalls;
import io.crmbridge.testsupport.BearerCheckingServer;
import io.crmbridge.testsupport.BearerCheckingServer.Use;
import io.crmbridge.testsupport.BridgeRuntime;
import io.crmbridge.testsupport.BridgeSettings;
import io.crmbridge.testsupport.KeycloakServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bridge against a real Keycloak with 10 s access tokens and a CRM stand-in that checks every bearer
 * token the way a real resource server would. Time is the real clock here: Keycloak's own clock decides
 * expiry.
 */
class KeycloakTokenTest {

    private static final Logger LOG = LoggerFactory.getLogger(KeycloakTokenTest.class);

    private static final Duration LIFETIME = Duration.ofSeconds(10);
    private static final String MARGIN = "2s";
    private static final Duration CALL_EVERY = Duration.ofMillis(200);
    // Just over three lifetimes: the bridge gives each token up the margin early and Keycloak counts whole
    // seconds, so it uses about 8 s of every 10 s token; a run of 31 s then needs 4 or 5 tokens.
    private static final Duration RUN = Duration.ofSeconds(31);
    private static final Duration FIRST_CALL_DEADLINE = Duration.ofSeconds(30);
    private static final Duration RECOVERY_DEADLINE = Duration.ofSeconds(30);

    private static KeycloakServer keycloak;

    @TempDir
    Path folder;

    private BearerCheckingServer crm;
    private BridgeRuntime bridge;
    private PacedCalls calls;

    @AfterAll
    static void stopKeycloak() {
        if (keycloak != null) {
            keycloak.close();
        }
    }

    @BeforeEach
    void startBridge() {
        if (keycloak == null) {
            // Started by the first test rather than in @BeforeAll, where a skip would be reported as no tests
            // at all instead of skipped tests with the reason.
            keycloak = KeycloakServer.start(LIFETIME);
        }
        crm = BearerCheckingServer.start(keycloak.issuer(), keycloak.jwksUrl());
        bridge = BridgeRuntime.start(BridgeSettings.withWatermark(folder.resolve("orders-watermark.json"))
                .crm(crm.baseUrl(), keycloak.tokenUrl(), KeycloakServer.CLIENT_ID, keycloak.clientSecret())
                .with("bridge.auth.expiry-margin", MARGIN)
                .toMap(), Map.of(BridgeNames.CLOCK, Clock.systemUTC()));
        RemoteCalls remote = new RemoteCalls(bridge.context());
        String url = crm.baseUrl() + "/0/odata/Product?$top=1";
        calls = new PacedCalls(() -> remote.call("crm", "GET", url, null, null));
    }

    @AfterEach
    void stopBridge() throws InterruptedException {
        if (calls != null) {
            calls.close();
        }
        if (bridge != null) {
            bridge.close();
        }
        if (crm != null) {
            crm.close();
        }
    }

    @Test
    void callsOverSeveralLifetimes_useAboutOneTokenPerLifetime_andNeverAnExpiredOne() throws Exception {
        Instant begun = Instant.now();
        calls.start();
        calls.await("after the run", outcome -> !outcome.at().isBefore(begun.plus(RUN)), RUN.plusSeconds(15));
        calls.close();

        List<Use> uses = crm.uses();
        long lifetimesBegun = (RUN.toMillis() + LIFETIME.toMillis() - 1) / LIFETIME.toMillis();
        long tokens = uses.stream().map(Use::fingerprint).distinct().count();
        assertThat(calls.failures()).as("calls that failed").isEmpty();
        assertThat(uses.size()).as("requests the CRM received")
                .isGreaterThan((int) (RUN.dividedBy(CALL_EVERY) / 2));
        assertThat(rejected(uses)).as("requests the CRM refused: expired or not from Keycloak").isEmpty();
        assertThat(tokens)
                .as("distinct tokens over %d s of %d s tokens", RUN.toSeconds(), LIFETIME.toSeconds())
                .isBetween(lifetimesBegun, lifetimesBegun + 1);
    }

    @Test
    void keycloakStoppedAndStartedAgain_callsFailClearly_thenRecoverWithoutRestartingTheBridge()
            throws Exception {
        // An identity server restarts now and then; the bridge must say so plainly while it is gone and pick
        // up by itself once it is back, with no restart of the bridge and no expired token sent meanwhile.
        calls.start();
        calls.await("succeeding before Keycloak stops", PacedCalls.Outcome::succeeded, FIRST_CALL_DEADLINE);
        Instant stopping = Instant.now();
        keycloak.stop();

        PacedCalls.Outcome failure = calls.await("failing once the cached token is used up",
                outcome -> !outcome.succeeded(), LIFETIME.plusSeconds(10));
        LOG.info("While Keycloak was down a call failed with {}: {}",
                failure.error().getClass().getSimpleName(), failure.error().getMessage());
        keycloak.start();
        Instant restarted = Instant.now();
        calls.await("succeeding after Keycloak is back",
                outcome -> outcome.succeeded() && outcome.at().isAfter(restarted), RECOVERY_DEADLINE);
        calls.close();

        assertThat(failure.at()).as("first failed call, after Keycloak began stopping at " + stopping)
                .isAfter(stopping);
        assertThat(failure.error()).as("error of a call while Keycloak is down")
                .isInstanceOf(LoginException.class)
                .hasMessageStartingWith("CRM ")
                .hasMessageContaining(keycloak.tokenUrl())
                .hasMessageContaining("connection refused");
        List<Use> uses = crm.uses();
        Set<String> before = fingerprints(uses, use -> use.usedAt().isBefore(stopping));
        Set<String> after = fingerprints(uses, use -> use.usedAt().isAfter(restarted));
        assertThat(rejected(uses)).as("requests the CRM refused: expired or not from Keycloak").isEmpty();
        assertThat(after).as("tokens used after the restart")
                .isNotEmpty()
                .doesNotContainAnyElementsOf(before);
    }

    private static List<Use> rejected(List<Use> uses) {
        return uses.stream().filter(use -> !use.accepted()).toList();
    }

    private static Set<String> fingerprints(List<Use> uses, Predicate<Use> which) {
        return uses.stream().filter(which).map(Use::fingerprint).collect(Collectors.toSet());
    }

    /** Calls the CRM through the bridge every {@link #CALL_EVERY} on one thread and keeps every outcome. */
    private static final class PacedCalls implements AutoCloseable {

        /** One finished call: when it returned and, if it failed, why. */
        record Outcome(Instant at, RuntimeException error) {

            boolean succeeded() {
                return error == null;
            }
        }

        private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        private final List<Outcome> outcomes = new ArrayList<>();
        private final Runnable call;

        PacedCalls(Runnable call) {
            this.call = call;
        }

        void start() {
            scheduler.scheduleAtFixedRate(this::callOnce, 0, CALL_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        }

        /** Returns the first call that matches, waiting for one until the deadline. */
        synchronized Outcome await(String what, Predicate<Outcome> condition, Duration deadline)
                throws InterruptedException {
            Instant giveUp = Instant.now().plus(deadline);
            while (true) {
                for (Outcome outcome : outcomes) {
                    if (condition.test(outcome)) {
                        return outcome;
                    }
                }
                long left = Duration.between(Instant.now(), giveUp).toMillis();
                if (left <= 0) {
                    Object last = outcomes.isEmpty() ? "none" : outcomes.get(outcomes.size() - 1);
                    throw new AssertionError("No call " + what + " within " + deadline.toSeconds()
                            + " s; last: " + last);
                }
                wait(left);
            }
        }

        synchronized List<Outcome> failures() {
            return outcomes.stream().filter(outcome -> !outcome.succeeded()).toList();
        }

        @Override
        public void close() throws InterruptedException {
            scheduler.shutdown();
            if (!scheduler.awaitTermination(40, TimeUnit.SECONDS)) {
                throw new IllegalStateException("A call to the CRM did not end within 40 s of stopping");
            }
        }

        private void callOnce() {
            RuntimeException error = null;
            try {
                call.run();
            } catch (RuntimeException e) {
                error = e;
            }
            synchronized (this) {
                outcomes.add(new Outcome(Instant.now(), error));
                notifyAll();
            }
        }
    }
}
