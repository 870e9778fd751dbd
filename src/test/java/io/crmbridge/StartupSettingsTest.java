package io.crmbridge;

import io.crmbridge.testsupport.BridgeRuntime;
import io.crmbridge.testsupport.BridgeSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Settings are read at start, so a mistyped one stops the bridge naming it, instead of failing each pass or each
 * call: a URL setting that is no absolute http(s) URL, and a duration Camel's own parser would read as zero.
 */
class StartupSettingsTest {

    private static final String EXPECTED = " must be an absolute http or https URL such as https://host:8443/path";

    @TempDir
    Path folder;

    private static final String AT = "holds an @: user-info (user:password@), which the HTTP client refuses to "
            + "send, belongs in the system's auth settings, and an @ in a path or query is written %40";

    private static final String NOT_SHOWN = "; its value is not shown, as it may hold credentials";

    private static final String NO_PORT = "has a port that is not a number from 1 to 65535";
    private static final String NO_HOST = "names no host the HTTP client can reach: a name of letters, digits, dots "
            + "and hyphens, or an IP address";

    private BridgeRuntime bridge;

    @AfterEach
    void stop() {
        if (bridge != null) {
            bridge.close();
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "bridge.crm.base-url       | ftp://crm.example.com            | does not start with http:// or https://",
        "bridge.crm.auth.token-url | localhost:8080                   | does not start with http:// or https://",
        "bridge.erp.base-url       | http//erp.example.com            | does not start with http:// or https://",
        "bridge.dms.auth.login-url | https://dms.example.com/log in   | is no valid URL (illegal character in path "
                + "at character 28)",
        "bridge.dms.base-url       | http:///api                      | names no host",
        "bridge.crm.base-url       | https://                         | is no valid URL (expected authority at "
                + "character 9)"})
    void urlSettingThatIsNoHttpUrl_stopsTheStart_namingTheSetting(String setting, String value,
                                                                            String problem) {
        Throwable error = catchThrowable(() -> start(setting, value));

        assertThat(error).as("start-up error").isNotNull().rootCause().isInstanceOf(BridgeException.class)
                .hasMessage("Setting " + setting + EXPECTED + "; its value (not shown, as it may hold credentials) "
                        + problem);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "bridge.crm.auth.token-url | ftp://sync:user-info-secret@id.example.com/token | does not start with "
                + "http:// or https://",
        "bridge.crm.base-url       | https://crm.example.com/odata?key=query-secret x | is no valid URL (illegal "
                + "character in query at character 47)",
        "bridge.erp.base-url       | HTTPS://sync:user-info-secret@127.0.0.1:9/erp/ | " + AT,
        "bridge.crm.base-url       | http://sync:user/info?secret#x@127.0.0.1:9/crm | " + AT,
        "bridge.dms.auth.login-url | http://127.0.0.1:9/login#query-secret | has a fragment (#...), which is never "
                + "sent",
        "bridge.crm.base-url       | http://127.0.0.1:9/crm?sig=query-secret | has a query (?...), where the bridge "
                + "appends its paths",
        "bridge.crm.base-url       | http://sync:query-secret/crm     | " + NO_PORT,
        "bridge.crm.base-url       | http://sync:query-secret%40127.0.0.1:9/crm | " + NO_HOST,
        "bridge.erp.base-url       | http://sync:a{query-secret/erp   | is no valid URL (illegal character in "
                + "authority at character 8)",
        "bridge.crm.base-url       | http://my_host:9/crm             | " + NO_HOST,
        "bridge.crm.auth.token-url | http://127.0.0.1:99999/token     | " + NO_PORT,
        "bridge.erp.base-url       | http://127.0.0.1:/erp            | " + NO_PORT})
    void urlSettingThatMayHoldASecret_isNamed_butItsValueIsNotShown(String setting, String value,
                                                                    String problem) {
        // A URL may carry a password or key; the start-up error goes to the console and to whoever reads it.
        Throwable error = catchThrowable(() -> start(setting, value));

        assertThat(error).as("start-up error").isNotNull().rootCause()
                .hasMessage("Setting " + setting + EXPECTED + "; its value (not shown, as it may hold credentials) "
                        + problem);
        assertThat(stackTraceOf(error)).doesNotContain("user-info-secret", "query-secret", "sync:", "info?secret");
    }

    @Test
    void absoluteHttpUrls_andBlankOnes_startTheBridge() {
        // An upper-case scheme, an IPv6 address and a blank optional URL are all as good as before.
        Map<String, String> settings = settings().toMap();
        settings.put("bridge.crm.base-url", "HTTPS://127.0.0.1:9/crm/");
        settings.put("bridge.crm.auth.token-url", "http://[::1]:9/connect/token?tenant=a");
        settings.put("bridge.dms.auth.login-url", " ");

        bridge = BridgeRuntime.start(settings, Map.of());

        assertThat(bridge.context().getRoutes()).as("routes started").isNotEmpty();
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

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "bridge.sync.redeliveries          | -1",
        "bridge.sync.redeliveries          | 99999999999",
        "bridge.sync.redelivery-delay      | abc",
        "bridge.sync.redelivery-max-delay  | -500"})
    void redeliverySettingThatIsNoWholeNumberFromZero_stopsTheStart_namingTheSetting(String setting, String value) {
        // Camel's redelivery policy would redeliver for ever on -1, and back to back on a negative delay
        Throwable error = catchThrowable(() -> start(setting, value));

        assertThat(error).as("start-up error").isNotNull().rootCause()
                .hasMessage("Setting " + setting + " must be a whole number of at least 0, not '" + value + "'");
    }

    @Test
    void zeroLifetime_stopsTheStart_namingTheSetting() {
        // Read only at the first login, a lifetime of 0 failed every login with an error blaming the ERP
        Throwable error = catchThrowable(() -> start("bridge.erp.auth.session-lifetime", "0"));

        assertThat(error).as("start-up error").isNotNull().rootCause()
                .hasMessage("Setting bridge.erp.auth.session-lifetime must be a positive duration, not PT0S");
    }

    @Test
    void unreadableRenewalWindow_stopsTheStart_namingTheSetting() {
        Throwable error = catchThrowable(() -> start("bridge.auth.renewal-window", "abc"));

        assertThat(error).as("start-up error").isNotNull().rootCause()
                .hasMessage("Setting bridge.auth.renewal-window must be a percentage from 0% to 99%, not 'abc'");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "bridge.crm.auth.client-id       | ' '        | Missing setting bridge.crm.auth.client-id for system 'crm'",
        "bridge.crm.auth.client-secret   | ' '        | Missing setting bridge.crm.auth.client-secret for system 'crm'",
        "bridge.crm.auth.kind            | oauth3     | Unknown login kind in bridge.crm.auth.kind; known kinds: "
                + "oauth2-client-credentials, tryton-session, creatio-forms, session-login, api-key" + NOT_SHOWN,
        "bridge.crm.auth.client-auth     | header     | Setting bridge.crm.auth.client-auth must be body or basic"
                + NOT_SHOWN,
        "bridge.erp.database             | ' '        | Missing setting bridge.erp.database for system 'erp'",
        "bridge.erp.auth.password        | ' '        | Missing setting bridge.erp.auth.password for system 'erp'",
        "bridge.erp.auth.login           | ' '        | Missing setting bridge.erp.auth.login for system 'erp'",
        "bridge.dms.auth.password        | ' '        | Missing setting bridge.dms.auth.password for system 'dms'",
        "bridge.docs.base-url | http://127.0.0.1:9/docs | Missing setting bridge.docs.auth.kind: name how to log in to "
                + "system 'docs'",
        "bridge.dms.auth.lifetime-unit   | fortnights | Setting bridge.dms.auth.lifetime-unit must be one of "
                + "milliseconds, seconds, minutes, hours" + NOT_SHOWN,
        "bridge.dms.auth.send-as         | B1SESSION  | Setting bridge.dms.auth.send-as must read cookie:<name> or "
                + "header:<name>" + NOT_SHOWN,
        "bridge.dms.auth.body-fields     | CompanyDB  | Setting bridge.dms.auth.body-fields must list <JSON field>="
                + "<setting> pairs such as CompanyDB=company,UserName=login,Password=password" + NOT_SHOWN,
        "bridge.dms.auth.session-pointer | SessionId  | Setting bridge.dms.auth.session-pointer must be a JSON "
                + "pointer such as /SessionId" + NOT_SHOWN,
        "bridge.orders.start-from        | 2026-01-01 | Setting bridge.orders.start-from must be an ISO-8601 time "
                + "with offset such as 2026-01-01T00:00:00Z, not '2026-01-01'",
        "bridge.erp.stock-locations      | ','        | Setting bridge.erp.stock-locations names no stock location "
                + "code: ','",
        "bridge.orders.in-doubt-wait     | 0s         | Setting bridge.orders.in-doubt-wait must be longer than 0",
        "bridge.observe.port             | abc        | Setting bridge.observe.port must be a port number from 0 to "
                + "65535, not 'abc'",
        "bridge.observe.port             | 65536      | Setting bridge.observe.port must be a port number from 0 to "
                + "65535, not '65536'"})
    void settingMissingOrUnreadable_stopsTheStart_namingTheSetting(String setting, String value, String message) {
        // Read only by the first login or in each pass, such a setting used to fail every pass instead
        Throwable error = catchThrowable(() -> start(setting, value));

        assertThat(error).as("start-up error").isNotNull().rootCause().isInstanceOf(BridgeException.class)
                .hasMessageStartingWith(message);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "bridge.crm.auth.kind            | pasted-secret-1",
        "bridge.crm.auth.client-auth     | pasted-secret-2",
        "bridge.dms.auth.send-as         | cookie pasted-secret-3",
        "bridge.dms.auth.lifetime-unit   | pasted-secret-4",
        "bridge.dms.auth.session-pointer | pasted-secret-5",
        "bridge.dms.auth.body-fields     | pasted-secret-6",
        "bridge.dms.auth.lifetime-pointer | pasted-secret-7"})
    void loginSettingHoldingAPastedSecret_isNamed_butItsValueIsNotShown(String setting, String value) {
        Throwable error = catchThrowable(() -> start(setting, value));

        assertThat(error).as("start-up error").isNotNull().rootCause().hasMessageContaining(setting)
                .hasMessageEndingWith(NOT_SHOWN);
        assertThat(stackTraceOf(error)).doesNotContain("pasted-secret");
    }

    @Test
    void creatioFormsSystemWithoutItsPassword_stopsTheStart_namingTheSetting() {
        Throwable error = catchThrowable(() -> bridge = BridgeRuntime.start(settings()
                .with("bridge.portal.auth.kind", "creatio-forms")
                .with("bridge.portal.base-url", "http://127.0.0.1:9/portal")
                .with("bridge.portal.auth.login", "Supervisor").toMap(), Map.of()));

        assertThat(error).as("start-up error").isNotNull().rootCause()
                .hasMessage("Missing setting bridge.portal.auth.password for system 'portal'");
    }

    @Test
    void apiKeyHeaderHoldingAPastedSecret_isNamed_butItsValueIsNotShown() {
        Throwable error = catchThrowable(() -> bridge = BridgeRuntime.start(settings()
                .with("bridge.archive.auth.kind", "api-key")
                .with("bridge.archive.base-url", "http://127.0.0.1:9/archive")
                .with("bridge.archive.auth.api-key", "k")
                .with("bridge.archive.auth.header", "X-Key: pasted-secret-8").toMap(), Map.of()));

        assertThat(error).as("start-up error").isNotNull().rootCause()
                .hasMessage("Setting bridge.archive.auth.header must be an HTTP header name" + NOT_SHOWN);
        assertThat(stackTraceOf(error)).doesNotContain("pasted-secret");
    }

    @Test
    void loginKindInAnotherCase_startsTheBridge() {
        start("bridge.crm.auth.kind", "OAuth2-Client-Credentials");

        assertThat(bridge.context().getRoutes()).as("routes started").isNotEmpty();
    }

    @Test
    void systemWithoutABaseUrl_startsTheBridge_withoutItsLoginSettings() {
        // Taken as not used in this deployment: its login settings are read at its first login
        start("bridge.billing.auth.kind", "oauth2-client-credentials");

        assertThat(bridge.context().getRoutes()).as("routes started").isNotEmpty();
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
        bridge = BridgeRuntime.start(settings().with(setting, value).toMap(), Map.of());
    }

    /** The CRM, the ERP and a third system named by its login kind, all on valid URLs nobody is called at. */
    private BridgeSettings settings() {
        return BridgeSettings.withWatermark(folder.resolve("w.json"))
                .crm("http://127.0.0.1:9", "http://127.0.0.1:9/connect/token", "c", "s")
                .erp("http://127.0.0.1:9", "bridge", "sync", "p", "30s")
                .with("bridge.dms.auth.kind", "session-login")
                .with("bridge.dms.base-url", "http://127.0.0.1:9/dms")
                .with("bridge.dms.auth.company", "SBODEMO")
                .with("bridge.dms.auth.login", "manager")
                .with("bridge.dms.auth.password", "p");
    }

    private static String stackTraceOf(Throwable error) {
        StringWriter text = new StringWriter();
        error.printStackTrace(new PrintWriter(text));
        return text.toString();
    }
}
