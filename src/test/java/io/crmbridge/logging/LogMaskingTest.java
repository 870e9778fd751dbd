package io.crmbridge.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import io.crmbridge.auth.Token;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** What the logback conversion rules of logback.xml mask, and what they leave alone. */
class LogMaskingTest {

    private static final Instant NOW = Instant.parse("2026-12-04T08:00:00Z");

    @Test
    void registeredSecret_inEveryFormHttpGivesIt_isMaskedWithoutFingerprint() {
        // A space, a quote, a slash, a plus and an umlaut: URL encoding, JSON and the wire log each differ.
        String secret = "pä ss\"wo/rd+" + UUID.randomUUID();
        String json = secret.replace("\"", "\\\"");
        String wire = json.replace("ä", "[0xffffffc3][0xffffffa4]");
        LogSecrets.addSecret("test.auth.password", secret);

        String form = URLEncoder.encode(secret, StandardCharsets.UTF_8);

        String masked = LogSecrets.mask("raw " + secret + " | form " + form + " | json " + json
                + " | wire " + wire);

        assertThat(masked).as("masked line").isEqualTo("raw *** | form *** | json *** | wire ***");
    }

    @Test
    void trytonToken_andTheSessionKeyInsideIt_showTheTokensFingerprint() {
        String key = "key" + UUID.randomUUID().toString().replace("-", "");
        Token token = token("erp-fingerprints", "Session",
                Base64.getEncoder().encodeToString(("sync:7:" + key).getBytes(StandardCharsets.UTF_8)));
        LogSecrets.addToken(token);

        String masked = LogSecrets.mask("cached " + token.value() + ", key " + key);

        assertThat(masked).as("masked line")
                .isEqualTo("cached ***" + token.fingerprint() + ", key ***" + token.fingerprint());
    }

    @Test
    void secretContainingAnother_isMaskedWhole() {
        String inner = "inner-" + UUID.randomUUID();
        LogSecrets.addSecret("test.a.secret", inner);
        LogSecrets.addSecret("test.b.secret", "outer-" + inner);

        assertThat(LogSecrets.mask("outer-" + inner)).as("masked secret").isEqualTo("***");
    }

    @Test
    void systemsFourthToken_pushesOutItsFirst() {
        // Every line is searched for every value kept, so the registry must not grow with each renewal.
        List<Token> tokens = List.of(token("crm-renewals", "Bearer", "first-" + UUID.randomUUID()),
                token("crm-renewals", "Bearer", "second-" + UUID.randomUUID()),
                token("crm-renewals", "Bearer", "third-" + UUID.randomUUID()),
                token("crm-renewals", "Bearer", "fourth-" + UUID.randomUUID()));
        tokens.forEach(LogSecrets::addToken);

        assertThat(LogSecrets.mask(tokens.get(0).value())).as("first token").isEqualTo(tokens.get(0).value());
        assertThat(LogSecrets.mask(tokens.get(3).value())).as("fourth token")
                .isEqualTo("***" + tokens.get(3).fingerprint());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "http-outgoing-0 >> Authorization: Bearer {value}",
            "Headers: {Accept=application/json, Authorization=Session {value}, CamelHttpMethod=POST}",
            "{\"authorization\": \"Bearer {value}\"}",
            "Proxy-Authorization: Basic {value}",
            "http-outgoing-0 >> \"grant_type=client_credentials&client_id=bridge&client_secret={value}\"",
            "{\"id\":0,\"method\":\"common.db.login\",\"params\":[\"sync\",{\"password\":\"{value}\"},\"en\"]}",
            "<< \"{\"access_token\": \"{value}\",\"token_type\":\"Bearer\",\"expires_in\":30}\"",
            "Variables: {bridgeToken={value}}",
            "bridge.crm.auth.client-secret = {value}",
            "X-Api-Key: {value}",
            "http-outgoing-3 << Set-Cookie: .ASPXAUTH={value}; path=/; HttpOnly",
            "http-outgoing-3 >> Cookie: BPMLOADER={value}; .ASPXAUTH={value}; UserName={value}",
            "http-outgoing-3 >> BPMCSRF: {value}",
            "Headers: {Set-Cookie=B1SESSION={value}; HttpOnly, ROUTEID=.node1}",
            "Found property: bridge.erp.auth.password with value: {value} to be used.",
            "Found an OS environment property: BRIDGE_CRM_AUTH_CLIENT_SECRET with value: {value} to be used.",
            "Property (name: bridge.x.api-key default: null) resolved from source: env -> {value}",
            "Property with key [bridge.x.auth.password] applied by function [env] -> {value}",
            "http-outgoing-1 << \"{\"id\": 0, \"result\": [2, \"{value}\"]}\"",
            "Headers: {CamelHttpUri=https://sync:{value}@crm.example.com/0/odata/Order?$top=1}",
            "Headers: {CamelHttpUri=https://sync:{value}@with@at@crm.example.com/0/odata/Order}",
            "Invalid url: http://sync:a/{value}?b#c@127.0.0.1:9/0/odata/Order?$top=1"})
    void unregisteredCredential_inAShapeThatNeverBelongsInALog_isMasked(String line) {
        String secret = "unreg" + UUID.randomUUID().toString().replace("-", "");

        String masked = LogSecrets.mask(line.replace("{value}", secret));

        assertThat(masked.contains(secret)).as("secret left in: %s", masked.replace(secret, "<secret>"))
                .isFalse();
        assertThat(masked).as("masked line").contains("***");
    }

    @Test
    void valuesWithSpaces_inCamelsPropertyLines_areMaskedWhole() {
        String masked = LogSecrets.mask(
                "Found property: bridge.crm.auth.client-secret with value: a b c to be used.");

        assertThat(masked).as("masked line")
                .isEqualTo("Found property: bridge.crm.auth.client-secret with value: *** to be used.");
    }

    @Test
    void tokensAndCookies_showAFingerprint_passwordsDoNot() {
        assertThat(LogSecrets.mask("Authorization: Bearer abcdefgh"))
                .isEqualTo("Authorization: Bearer ***" + Token.fingerprintOf("abcdefgh"));
        assertThat(LogSecrets.mask("Set-Cookie: BPMCSRF=abcdefgh; Path=/"))
                .isEqualTo("Set-Cookie: BPMCSRF=***" + Token.fingerprintOf("abcdefgh") + "; Path=/");
        assertThat(LogSecrets.mask("{\"password\":\"abcdefgh\"}")).isEqualTo("{\"password\":\"***\"}");
        assertThat(LogSecrets.mask("Authorization: Basic abcdefgh")).isEqualTo("Authorization: Basic ***");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "CRM login #1 (oauth2-client-credentials) obtained token 11a03f3e valid until 2026-12-04T08:00:30Z",
            "CRM login refused for client 'bridge' at http://127.0.0.1:8080/connect/token: HTTP 401 (invalid)",
            "Missing setting bridge.crm.auth.client-secret for system 'crm'",
            "{\"token_type\":\"Bearer\",\"expires_in\":30}",
            "Property (name: bridge.crm.auth.token-url default: null) resolved from source: env -> http://x",
            "CRM rejected token 11a03f3e: dropped it from the cache",
            "Authorization: Bearer ***11a03f3e",
            "CRM call GET https://***@crm.example.com/0/odata/Order failed: HTTP 500",
            "Sending to https://crm.example.com/0/odata/Order?$filter=Email eq 'a@b.example'",
            "Updated CRM product SKU-001 (13afca2c): UsrStockQuantity 0 -> 206.0"})
    void ordinaryLine_isLeftAsItIs(String line) {
        assertThat(LogSecrets.mask(line)).as("masked line").isSameAs(line);
    }

    @Test
    void consolePatternOfLogbackXml_masksMessageAndEveryCauseInTheStackTrace() {
        String secret = "console-" + UUID.randomUUID();
        LogSecrets.addSecret("test.console.secret", secret);
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        PatternLayout layout = new PatternLayout();
        layout.setContext(context);
        layout.setPattern(consolePattern(context));
        layout.start();
        Exception error = new IllegalStateException("outer " + secret, new RuntimeException("inner " + secret));

        String written = layout.doLayout(new LoggingEvent(LogMaskingTest.class.getName(),
                context.getLogger("masking.test"), Level.WARN, "logged {}", error, new Object[] {secret}));

        assertThat(written.contains(secret)).as("secret written by the console pattern").isFalse();
        assertThat(written).as("written").contains("logged ***", "outer ***", "inner ***");
    }

    private static String consolePattern(LoggerContext context) {
        OutputStreamAppender<?> console = (OutputStreamAppender<?>) context
                .getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender("CONSOLE");
        return ((PatternLayoutEncoder) console.getEncoder()).getPattern();
    }

    private static Token token(String system, String scheme, String value) {
        return new Token(system, "test", scheme, value, NOW.plusSeconds(30), NOW);
    }
}
