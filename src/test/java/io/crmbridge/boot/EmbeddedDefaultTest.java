package io.crmbridge.boot;

import io.crmbridge.BridgeNames;
import io.crmbridge.sync.PassSummary;
import io.crmbridge.testsupport.MutableClock;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The embedded default as a newcomer meets it, with the clock moved by hand: 90 s of passes every 10 s.
 */
class EmbeddedDefaultTest {

    private static final Duration RUN = Duration.ofSeconds(90);
    private static final Duration CREDENTIAL_LIFETIME = Duration.ofSeconds(30);

    @Test
    void ninetySeconds_moveOrdersAndStock_andRenewEachCredentialWithoutOverLogin() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-12-04T08:00:00Z"));
        EmbeddedSimulators simulators = new EmbeddedSimulators(clock);
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
}
