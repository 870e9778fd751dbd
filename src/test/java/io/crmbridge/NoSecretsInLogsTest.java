package io.crmbridge;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import io.crmbridge.auth.Token;
import io.crmbridge.testsupport.BridgeRuntime;
import io.crmbridge.testsupport.Simulators;
import org.apache.camel.support.processor.DefaultExchangeFormatter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A full run with every logger at DEBUG, HttpClient's header and wire logs, Camel tracing and message history,
 * credential renewals, a 401 and a refused login writes no secret: not the client secret, not the ERP password,
 * not a token, not a Tryton session key, in none of the forms HTTP traffic gives them.
 */
class NoSecretsInLogsTest {

    @TempDir
    Path folder;

    @Test
    void fullRunWithEveryDebugLogAndTracing_writesNoSecret() {
        Set<String> secrets = ConcurrentHashMap.newKeySet();
        Cache<String, String> tokenCache = Caffeine.newBuilder()
                .removalListener((String system, String json, RemovalCause cause) -> collect(json, secrets))
                .build();
        String output;
        try (ConsoleCapture console = ConsoleCapture.everythingAtDebug();
             Simulators systems = Simulators.start(folder)) {
            secrets.add(systems.clientSecret);
            secrets.add(systems.erpPassword);
            Map<String, Object> beans = new HashMap<>(systems.beans());
            beans.put(BridgeNames.TOKEN_CACHE, tokenCache);
            Map<String, String> properties = traced(systems.properties());
            // The ERP ends sessions before the bridge expects, so the run also goes through a 401 and a retry.
            properties.put("bridge.erp.auth.session-lifetime", "1h");

            try (BridgeRuntime bridge = BridgeRuntime.start(properties, beans)) {
                traceVariablesToo(bridge);
                bridge.runPass();
                systems.clock.advance(Duration.ofSeconds(40));
                systems.crm.addRandomOrder();
                bridge.runPass();
                tokenCache.asMap().values().forEach(json -> collect(json, secrets));
                assertThat(systems.erp.expiredSessionRejections()).as("401s from the ERP").isPositive();
            }

            // Characters that URL encoding changes, so the form body carries a form of the secret of its own.
            String refusedSecret = "refused secret/ä+&=" + systems.clientSecret;
            secrets.add(refusedSecret);
            Map<String, String> refused = traced(systems.properties());
            refused.put("bridge.crm.auth.client-secret", refusedSecret);
            try (BridgeRuntime bridge = BridgeRuntime.start(refused, systems.beans())) {
                traceVariablesToo(bridge);
                bridge.runPass();
            }
            output = console.written();
        }

        assertThat(secrets).as("secrets collected").hasSizeGreaterThanOrEqualTo(7);
        Set<String> forms = withEncodedForms(secrets);
        // What the run must have written for the check to mean anything; never printed whole, as it may leak.
        for (String expected : List.of("sync summary:", "CRM login refused", "org.apache.camel.Tracing",
                "http-outgoing", "Authorization: Bearer ***", "Authorization: Session ***", "\"token\":\"***")) {
            assertThat(output.contains(expected)).as("the captured output contains %s", expected).isTrue();
        }
        for (String secret : forms) {
            // The failure message shows the offending line with every known secret masked, never a secret.
            assertThat(output.contains(secret))
                    .as(() -> "a secret is written in: " + lineWith(output, secret, forms))
                    .isFalse();
        }
    }

    /** Tracing and message history on, and Camel's own masking off: logback's masking alone is tested. */
    private static Map<String, String> traced(Map<String, String> settings) {
        Map<String, String> properties = new HashMap<>(settings);
        properties.put("camel.main.tracing", "true");
        properties.put("camel.main.message-history", "true");
        properties.put("camel.main.log-mask", "false");
        return properties;
    }

    /** The tracer shows headers and body; variables and properties too make it print the token JSON. */
    private static void traceVariablesToo(BridgeRuntime bridge) {
        DefaultExchangeFormatter formatter = (DefaultExchangeFormatter) bridge.context().getTracer()
                .getExchangeFormatter();
        formatter.setShowVariables(true);
        formatter.setShowProperties(true);
    }

    /** Adds the token value of a cached token JSON and, for Tryton sessions, the session key inside it. */
    private static void collect(String tokenJson, Set<String> secrets) {
        if (tokenJson == null) {
            return;
        }
        Token token = Token.fromJson(tokenJson);
        secrets.add(token.value());
        if ("Session".equals(token.scheme())) {
            String decoded = new String(Base64.getDecoder().decode(token.value()), StandardCharsets.UTF_8);
            secrets.add(decoded.substring(decoded.lastIndexOf(':') + 1));
        }
    }

    private static Set<String> withEncodedForms(Set<String> secrets) {
        Set<String> forms = new HashSet<>(secrets);
        secrets.forEach(secret -> forms.add(URLEncoder.encode(secret, StandardCharsets.UTF_8)));
        return forms;
    }

    private static String lineWith(String output, String secret, Set<String> forms) {
        String line = output.lines().filter(text -> text.contains(secret)).findFirst().orElse("");
        for (String form : forms.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList()) {
            line = line.replace(form, "<secret>");
        }
        return line.length() > 400 ? line.substring(0, 400) + "..." : line;
    }

    /**
     * Turns every logger up to DEBUG and writes what the console appender would write, with its own pattern and
     * therefore the conversion rules of logback.xml, into memory instead of the console.
     */
    private static final class ConsoleCapture implements AutoCloseable {

        private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        private final Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        private final Map<Logger, Level> levels = new HashMap<>();
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final OutputStreamAppender<ILoggingEvent> capture = new OutputStreamAppender<>();
        private final Appender<ILoggingEvent> console = root.getAppender("CONSOLE");

        static ConsoleCapture everythingAtDebug() {
            ConsoleCapture capture = new ConsoleCapture();
            capture.start();
            return capture;
        }

        private void start() {
            PatternLayoutEncoder encoder = new PatternLayoutEncoder();
            encoder.setContext(context);
            OutputStreamAppender<ILoggingEvent> configured = (OutputStreamAppender<ILoggingEvent>) console;
            encoder.setPattern(((PatternLayoutEncoder) configured.getEncoder()).getPattern());
            encoder.start();
            capture.setContext(context);
            capture.setName("CAPTURE");
            capture.setEncoder(encoder);
            capture.setOutputStream(bytes);
            capture.start();
            root.detachAppender(console);
            root.addAppender(capture);

            for (Logger logger : context.getLoggerList()) {
                if (logger.getLevel() != null) {
                    levels.put(logger, logger.getLevel());
                    logger.setLevel(Level.DEBUG);
                }
            }
            for (String name : List.of("org.apache.hc.client5.http.wire",
                    "org.apache.hc.client5.http.headers")) {
                Logger logger = context.getLogger(name);
                levels.putIfAbsent(logger, logger.getLevel());
                logger.setLevel(Level.DEBUG);
            }
        }

        String written() {
            return bytes.toString(StandardCharsets.UTF_8);
        }

        @Override
        public void close() {
            levels.forEach(Logger::setLevel);
            root.detachAppender(capture);
            capture.stop();
            root.addAppender(console);
        }
    }
}
