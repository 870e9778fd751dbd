package io.crmbridge.sync;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.crmbridge.testsupport.BridgeTest;
import io.crmbridge.testsupport.Simulators;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * A saved watermark that lies in the future by the bridge's clock would make every pass read no order and
 * succeed: it fails the orders flow instead, until someone edits or deletes the file.
 */
class FutureWatermarkTest extends BridgeTest {

    private final ListAppender<ILoggingEvent> events = new ListAppender<>();

    @BeforeEach
    void listen() {
        events.start();
        root().addAppender(events);
    }

    @AfterEach
    void stop() {
        root().detachAppender(events);
    }

    @Test
    void watermarkAnHourAhead_failsThePass_withOneErrorNamingTheFileAndInstant_andLeavesTheFileAlone()
            throws IOException {
        systems = Simulators.start(folder);
        Instant future = systems.clock.instant().plus(Duration.ofHours(1));
        String saved = writeWatermark(future);
        startBridgeWith(Map.of());

        PassSummary summary = bridge.runPass();

        assertThat(summary.succeeded()).as("pass succeeded").isFalse();
        assertThat(summary.flowsFailed()).as("flows stopped").isEqualTo(1);
        assertThat(summary.ordersFailed()).as("orders.failed").isEqualTo(1);
        assertThat(summary.stockUpdated()).as("the stock flow still runs").isEqualTo(12);
        assertThat(systems.erp.sales()).as("ERP sales").isEmpty();
        assertThat(errorsNaming(systems.watermarkFile().toString())).as("error lines naming the watermark file")
                .singleElement().asString()
                .contains("holds modifiedOn " + future, "bridge's clock (" + systems.clock.instant() + ")",
                        "edit modifiedOn in the file", "delete the file");
        assertThat(Files.readString(systems.watermarkFile())).as("watermark file after the pass").isEqualTo(saved);
    }

    @Test
    void futureWatermark_deletedAsTheErrorSays_letsTheNextPassSyncEveryOrder() throws IOException {
        systems = Simulators.start(folder);
        writeWatermark(systems.clock.instant().plus(Duration.ofDays(400)));
        startBridgeWith(Map.of());
        assertThat(bridge.runPass().succeeded()).as("pass on the future watermark").isFalse();

        Files.delete(systems.watermarkFile());
        PassSummary next = bridge.runPass();

        assertThat(next.succeeded()).as("pass after deleting the file").isTrue();
        assertThat(next.ordersCreated()).as("orders created").isEqualTo(36);
    }

    @Test
    void watermarkAheadByTheToleratedSkew_isTrusted_andLaterOrdersAreSynced() throws IOException {
        // The CRM stamps ModifiedOn by its own clock, which may run a little ahead of the bridge's.
        systems = Simulators.start(folder);
        writeWatermark(systems.clock.instant().plus(WatermarkStore.DEFAULT_CLOCK_SKEW));
        startBridgeWith(Map.of());

        PassSummary atTheLimit = bridge.runPass();
        systems.clock.advance(WatermarkStore.DEFAULT_CLOCK_SKEW.plusSeconds(1));
        String added = systems.crm.addRandomOrder().id().toString();
        PassSummary later = bridge.runPass();

        assertThat(atTheLimit.succeeded()).as("pass on a watermark at the limit").isTrue();
        assertThat(atTheLimit.ordersCreated()).as("orders created before the watermark").isZero();
        assertThat(later.ordersCreated()).as("orders created after the watermark").isEqualTo(1);
        assertThat(systems.erp.saleByReference(added)).as("sale of the order saved after the watermark")
                .isPresent();
        assertThat(errorsNaming(systems.watermarkFile().toString())).as("error lines naming the watermark file")
                .isEmpty();
    }

    @Test
    void watermarkJustBeyondTheToleratedSkew_failsThePass() throws IOException {
        systems = Simulators.start(folder);
        writeWatermark(systems.clock.instant().plus(WatermarkStore.DEFAULT_CLOCK_SKEW).plusSeconds(1));
        startBridgeWith(Map.of());

        PassSummary summary = bridge.runPass();

        assertThat(summary.succeeded()).as("pass succeeded").isFalse();
        assertThat(errorsNaming(systems.watermarkFile().toString())).as("error lines naming the watermark file")
                .singleElement().asString()
                .contains("more than 300 s after the bridge's clock", "raise bridge.orders.clock-skew");
    }

    @Test
    void crmClockAnHourAhead_withTheClockSkewRaised_isTrusted() throws IOException {
        systems = Simulators.start(folder);
        writeWatermark(systems.clock.instant().plus(Duration.ofHours(1)));
        startBridgeWith(Map.of("bridge.orders.clock-skew", "2h"));

        PassSummary summary = bridge.runPass();

        assertThat(summary.succeeded()).as("pass succeeded").isTrue();
        assertThat(summary.ordersCreated()).as("orders created before the watermark").isZero();
        assertThat(errorsNaming(systems.watermarkFile().toString())).as("error lines naming the watermark file")
                .isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"PT-5M", "-5m", "abc", "30S", "5 m", "PT9999999999999H"})
    void unreadableOrNegativeClockSkew_stopsTheStart_namingTheSetting(String value) {
        // Camel's own duration parser reads abc, -5m and 30S as zero, which would fail every pass on any watermark
        systems = Simulators.start(folder);

        Throwable error = catchThrowable(() -> startBridgeWith(Map.of("bridge.orders.clock-skew", value)));

        assertThat(error).as("start-up error").isNotNull().rootCause()
                .hasMessage("Setting bridge.orders.clock-skew must be a duration such as 60s or 5m, not '"
                        + value + "'");
    }

    private String writeWatermark(Instant modifiedOn) throws IOException {
        String text = "{\"modifiedOn\":\"" + modifiedOn + "\",\"id\":\"" + UUID.randomUUID() + "\"}";
        Files.writeString(systems.watermarkFile(), text);
        return text;
    }

    /** The ERROR lines of any logger that contain {@code text}. */
    private List<String> errorsNaming(String text) {
        List<ILoggingEvent> logged;
        // The appender adds under its own lock; a simulator's thread may still be logging.
        synchronized (events) {
            logged = List.copyOf(events.list);
        }
        return logged.stream().filter(event -> event.getLevel().isGreaterOrEqual(Level.ERROR))
                .map(ILoggingEvent::getFormattedMessage).filter(message -> message.contains(text)).toList();
    }

    private static Logger root() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }
}
