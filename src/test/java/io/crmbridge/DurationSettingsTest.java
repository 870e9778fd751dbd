package io.crmbridge;

import io.crmbridge.testsupport.BridgeRuntime;
import io.crmbridge.testsupport.BridgeSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Every duration setting is read at start, so a mistyped one stops the bridge naming it, instead of failing each
 * pass, or each call: Camel's own parser reads text it does not know as zero.
 */
class DurationSettingsTest {

    @TempDir
    Path folder;

    private BridgeRuntime bridge;

    @AfterEach
    void stop() {
        if (bridge != null) {
            bridge.close();
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "bridge.sync.period               | abc",
        "bridge.sync.initial-delay        | 30S",
        "bridge.auth.expiry-margin        | -5m",
        "bridge.crm.auth.expiry-margin    | abc",
        "bridge.crm.auth.default-lifetime | 5 m",
        "bridge.erp.auth.session-lifetime | PT-5M",
        "bridge.auth.login-wait           | abc",
        "bridge.auth.retry-initial-delay  | 1e3",
        "bridge.auth.retry-max-delay      | PT9999999999999H"})
    void unreadableDuration_stopsTheStart_namingTheSetting(String setting, String value) {
        Throwable error = catchThrowable(() -> start(setting, value));

        assertThat(error).as("start-up error").isNotNull().rootCause().isInstanceOf(BridgeException.class)
                .hasMessage("Setting " + setting + " must be a duration such as 60s or 5m, not '" + value + "'");
    }

    @Test
    void unreadableRenewalWindow_stopsTheStart_namingTheSetting() {
        Throwable error = catchThrowable(() -> start("bridge.auth.renewal-window", "abc"));

        assertThat(error).as("start-up error").isNotNull().rootCause()
                .hasMessage("Setting bridge.auth.renewal-window must be a percentage from 0% to 99%, not 'abc'");
    }

    @Test
    void syncPeriodOfZero_stopsTheStart() {
        // Camel's timer would run one pass and then none, without a word
        Throwable error = catchThrowable(() -> start("bridge.sync.period", "0"));

        assertThat(error).as("start-up error").isNotNull().rootCause()
                .hasMessage("Setting bridge.sync.period must be longer than 0");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "bridge.sync.period            | 1d",
        "bridge.crm.auth.expiry-margin | 1h30m",
        "bridge.auth.login-wait        | 500ms",
        "bridge.auth.retry-max-delay   | PT1M",
        "bridge.orders.clock-skew      | 90000"})
    void readableDuration_startsTheBridge(String setting, String value) {
        start(setting, value);

        assertThat(bridge.context().getRoutes()).as("routes started").isNotEmpty();
    }

    private void start(String setting, String value) {
        bridge = BridgeRuntime.start(BridgeSettings.withWatermark(folder.resolve("w.json"))
                .crm("http://127.0.0.1:9", "http://127.0.0.1:9/connect/token", "c", "s")
                .erp("http://127.0.0.1:9", "bridge", "sync", "p", "30s")
                .with(setting, value)
                .toMap(), Map.of());
    }
}
