package io.crmbridge.boot;

import io.crmbridge.simulator.CrmSimulator;
import io.crmbridge.simulator.SimulatorData;
import io.crmbridge.testsupport.BridgeProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code BRIDGE_ONCE=true} runs one pass in a process of its own, prints the summary line and exits. */
class OnceModeTest {

    private static final Pattern SUMMARY = Pattern.compile("(?m)sync summary: orders\\.created=(\\d+) "
            + "orders\\.existing=(\\d+) orders\\.failed=(\\d+) stock\\.updated=(\\d+) stock\\.failed=(\\d+) "
            + "stock\\.one-sided=(\\d+) logins\\.crm=(\\d+) logins\\.erp=(\\d+)$");

    @TempDir
    Path folder;

    @Test
    void onceOnTheEmbeddedDefault_syncsEverything_printsTheSummary_andExitsZero() throws Exception {
        Run run = runBridge(Map.of("BRIDGE_ONCE", "true"));

        assertThat(run.status).as("exit status; output:%n%s", run.output).isZero();
        Matcher summary = SUMMARY.matcher(run.output);
        assertThat(summary.find()).as("summary line in:%n%s", run.output).isTrue();
        assertThat(Integer.parseInt(summary.group(1))).as("orders.created").isGreaterThanOrEqualTo(36);
        assertThat(summary.group(3)).as("orders.failed").isEqualTo("0");
        assertThat(Integer.parseInt(summary.group(4))).as("stock.updated").isEqualTo(12);
        assertThat(summary.group(6)).as("stock.one-sided").isEqualTo("0");
        assertThat(summary.group(7)).as("logins.crm").isEqualTo("1");
        assertThat(summary.group(8)).as("logins.erp").isEqualTo("1");
        assertThat(summary.find()).as("a second summary line").isFalse();
        assertThat(run.output).as("the pass's own duration").containsPattern("One pass took \\d+ ms");
        assertThat(temporaryStateFolders()).as("temporary state folders left behind").isEmpty();
    }

    @Test
    void leftoverCredentialsInTheEnvironment_areAcceptedByTheSimulators() throws Exception {
        Run run = runBridge(Map.of("BRIDGE_ONCE", "true", "BRIDGE_CRM_AUTH_CLIENT_SECRET", "left-over-secret",
                "BRIDGE_ERP_DATABASE", "left_over_db"));

        assertThat(run.status).as("exit status").isZero();
        assertThat(run.output).doesNotContain("left-over-secret").containsPattern(SUMMARY);
    }

    @Test
    void realCrmFromEnvironment_withWrongSecret_failsThePass_andExitsNonZero() throws Exception {
        try (CrmSimulator crm = externalCrm()) {
            Run run = runBridge(crmEnvironment(crm, "a-wrong-secret"));

            assertThat(run.status).as("exit status").isEqualTo(1);
            assertThat(run.output).contains("CRM login refused for client 'bridge-env' at " + crm.tokenUrl())
                    .doesNotContain("a-wrong-secret")
                    .containsPattern(SUMMARY);
            assertThat(crm.tokensIssued()).isZero();
        }
    }

    @Test
    void tokenUrlThatIsNoHttpUrl_stopsTheStart_namingTheSetting_withoutItsCredentials() throws Exception {
        // Before, such a value failed only at the first login, with an error that named no setting.
        Run run = runBridge(Map.of(
                "BRIDGE_ONCE", "true",
                "BRIDGE_CRM_BASE_URL", "http://127.0.0.1:9",
                "BRIDGE_CRM_AUTH_TOKEN_URL", "ftp://sync:user-info-secret@127.0.0.1:9/token",
                "BRIDGE_CRM_AUTH_CLIENT_ID", "bridge-env",
                "BRIDGE_CRM_AUTH_CLIENT_SECRET", "the-right-secret"));

        assertThat(run.status).as("exit status; output:%n%s", run.output).isNotZero();
        assertThat(run.output).contains("Setting bridge.crm.auth.token-url must be an absolute http or https URL")
                .doesNotContain("user-info-secret").doesNotContainPattern(SUMMARY);
    }

    @Test
    void realCrmFromEnvironment_isUsedInsteadOfTheCrmSimulator() throws Exception {
        try (CrmSimulator crm = externalCrm()) {
            Run run = runBridge(crmEnvironment(crm, "the-right-secret"));

            assertThat(run.output).doesNotContain("CRM simulator listening").contains("ERP simulator listening");
            assertThat(crm.tokensIssued()).as("logins to the configured CRM").isEqualTo(1);
            assertThat(crm.orders()).allSatisfy(order -> assertThat(order.get("UsrErpNumber")).isNotNull());
        }
    }

    @Test
    void watermarkInTheFuture_failsThePass_namingTheFile_andExitsOne() throws Exception {
        // Trusted, such a watermark let every pass sync nothing and exit 0: a cron job saw no problem.
        try (CrmSimulator crm = externalCrm()) {
            Path watermark = folder.resolve("orders-watermark.json");
            Instant future = Clock.systemUTC().instant().plus(Duration.ofDays(1)).truncatedTo(ChronoUnit.SECONDS);
            String saved = "{\"modifiedOn\":\"" + future + "\",\"id\":\"" + UUID.randomUUID() + "\"}";
            Files.writeString(watermark, saved);
            Map<String, String> environment = new HashMap<>(crmEnvironment(crm, "the-right-secret"));
            environment.put("BRIDGE_ORDERS_WATERMARK_FILE", watermark.toString());

            Run run = runBridge(environment);

            assertThat(run.status).as("exit status; output:%n%s", run.output).isEqualTo(1);
            assertThat(run.output).contains("The orders watermark file " + watermark + " holds modifiedOn " + future)
                    .contains("delete the file").containsPattern(SUMMARY);
            assertThat(Files.readString(watermark)).as("watermark file after the run").isEqualTo(saved);
            assertThat(crm.orders()).allSatisfy(order -> assertThat(order.get("UsrErpNumber")).isNull());
        }
    }

    @Test
    void replay_syncsOnlyTheDeadLetteredOrders_emptiesTheFile_andExitsZero() throws Exception {
        try (CrmSimulator crm = externalCrm()) {
            Map<String, Object> dead = crm.orders().get(1);
            Path letters = folder.resolve("dead-letters.jsonl");
            Files.writeString(letters, deadLetter(dead.get("Id").toString(), 1));
            Map<String, String> environment = new HashMap<>(crmEnvironment(crm, "the-right-secret"));
            environment.remove("BRIDGE_ONCE");
            environment.put("BRIDGE_REPLAY", "true");
            environment.put("BRIDGE_DEAD_LETTERS_FILE", letters.toString());

            Run run = runBridge(environment);

            assertThat(run.status).as("exit status; output:%n%s", run.output).isZero();
            Matcher summary = SUMMARY.matcher(run.output);
            assertThat(summary.find()).as("summary line in:%n%s", run.output).isTrue();
            assertThat(summary.group(1)).as("orders.created").isEqualTo("1");
            assertThat(Files.readString(letters)).as("dead letters left").isBlank();
            assertThat(crm.orders()).filteredOn(order -> order.get("UsrErpNumber") != null)
                    .extracting(order -> order.get("Id")).containsExactly(dead.get("Id"));
        }
    }

    @Test
    void replay_ofAnOrderTheCrmNoLongerHas_keepsItWithOneMoreAttempt_andExitsOne() throws Exception {
        try (CrmSimulator crm = externalCrm()) {
            Path letters = folder.resolve("dead-letters.jsonl");
            String gone = UUID.randomUUID().toString();
            Files.writeString(letters, deadLetter(gone, 2));
            Map<String, String> environment = new HashMap<>(crmEnvironment(crm, "the-right-secret"));
            environment.remove("BRIDGE_ONCE");
            environment.put("BRIDGE_REPLAY", "true");
            environment.put("BRIDGE_DEAD_LETTERS_FILE", letters.toString());

            Run run = runBridge(environment);

            assertThat(run.status).as("exit status; output:%n%s", run.output).isEqualTo(1);
            assertThat(Files.readString(letters)).contains("\"recordId\":\"" + gone + "\"")
                    .contains("\"attempts\":3").contains("404");
        }
    }

    private static String deadLetter(String orderId, int attempts) {
        return "{\"system\":\"crm\",\"entity\":\"Order\",\"recordId\":\"" + orderId + "\",\"reason\":\"ERP refused "
                + "it\",\"attempts\":" + attempts + ",\"time\":\"2026-12-01T10:00:00Z\"}\n";
    }

    /** A CRM the bridge is pointed at through the environment, as a real one would be. */
    private static CrmSimulator externalCrm() {
        return CrmSimulator.builder().clock(Clock.systemUTC())
                .data(SimulatorData.generate(3L, 2, 3, 4, Clock.systemUTC().instant()))
                .clientId("bridge-env").clientSecret("the-right-secret").tokenLifetime(Duration.ofMinutes(5))
                .build().start();
    }

    private static Map<String, String> crmEnvironment(CrmSimulator crm, String clientSecret) {
        return Map.of(
                "BRIDGE_ONCE", "true",
                "BRIDGE_CRM_BASE_URL", crm.baseUrl(),
                "BRIDGE_CRM_AUTH_TOKEN_URL", crm.tokenUrl(),
                "BRIDGE_CRM_AUTH_CLIENT_ID", "bridge-env",
                "BRIDGE_CRM_AUTH_CLIENT_SECRET", clientSecret);
    }

    /** The embedded default's state folders in the bridge's temporary folder. */
    private List<Path> temporaryStateFolders() throws IOException {
        try (Stream<Path> entries = Files.list(folder.resolve("tmp"))) {
            return entries.filter(entry -> entry.getFileName().toString().startsWith("crm-erp-bridge-")).toList();
        }
    }

    private Run runBridge(Map<String, String> environment) throws IOException, InterruptedException {
        Path log = folder.resolve("bridge.log");
        Path temporary = Files.createDirectories(folder.resolve("tmp"));
        Process process = BridgeProcess.start(folder, log, environment, List.of("-Djava.io.tmpdir=" + temporary));
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the bridge did not exit within 120 s:\n" + Files.readString(log));
        }
        return new Run(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }

    private record Run(int status, String output) {
    }
}
