package io.crmbridge.boot;

import io.crmbridge.BridgeException;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.PropertiesComponent;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OnePassServerTest {

    @Test
    void onePass_turnsTheManagementServerOff() {
        // A one-pass run beside a running bridge would otherwise fail on the port the running bridge holds.
        PropertiesComponent properties = properties("true");

        BridgeApplication.noServerForOnePass(properties);

        assertThat(properties.resolveProperty("camel.management.enabled")).as("camel.management.enabled")
                .hasValue("false");
    }

    @Test
    void scheduledRun_keepsTheManagementServerAsConfigured() {
        PropertiesComponent properties = properties("false");

        BridgeApplication.noServerForOnePass(properties);

        assertThat(properties.resolveProperty("camel.management.enabled")).as("camel.management.enabled")
                .hasValue("true");
    }

    @Test
    void onceThatIsNotTrueOrFalse_stopsTheStart_namingTheSetting() {
        // Camel would otherwise fail building the scheduled route, naming neither the bridge nor the setting
        PropertiesComponent properties = properties("yes");

        assertThatThrownBy(() -> BridgeApplication.noServerForOnePass(properties)).isInstanceOf(BridgeException.class)
                .hasMessage("Setting bridge.once must be true or false, not 'yes'");
    }

    private static PropertiesComponent properties(String once) {
        PropertiesComponent properties = new DefaultCamelContext().getPropertiesComponent();
        properties.addInitialProperty("bridge.once", once);
        properties.addInitialProperty("camel.management.enabled", "true");
        return properties;
    }
}
