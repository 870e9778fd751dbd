package io.crmbridge;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.crmbridge.auth.Token;
import io.crmbridge.testsupport.BridgeRuntime;
import io.crmbridge.testsupport.Simulators;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A full run with DEBUG logging, credential renewals, a 401 and a refused login must log no secret: not the client
 * secret, not the ERP password, not a token, not a Tryton session key.
 */
class NoSecretsInLogsTest {

    @TempDir
    Path folder;

    @Test
    void fullRunAtDebug_logsNoSecretOrToken() {
        Set<String> secrets = ConcurrentHashMap.newKeySet();
        Cache<String, String> tokenCache = Caffeine.newBuilder()
                .removalListener((String system, String json, com.github.benmanes.caffeine.cache.RemovalCause cause)
                        -> collect(json, secrets))
                .build();
        ListAppender<ILoggingEvent> captured = captureAllLogsAtDebug();
        try (Simulators systems = Simulators.start(folder)) {
            secrets.add(systems.clientSecret);
            secrets.add(systems.erpPassword);
            Map<String, Object> beans = new HashMap<>(systems.beans());
            beans.put(BridgeNames.TOKEN_CACHE, tokenCache);
            Map<String, String> properties = new HashMap<>(systems.properties());
            // The ERP ends sessions before the bridge expects, so the run also goes through a 401 and a retry.
            properties.put("bridge.erp.auth.session-lifetime", "1h");

            try (BridgeRuntime bridge = BridgeRuntime.start(properties, beans)) {
                bridge.runPass();
                systems.clock.advance(Duration.ofSeconds(40));
                systems.crm.addRandomOrder();
                bridge.runPass();
                tokenCache.asMap().values().forEach(json -> collect(json, secrets));
                assertThat(systems.erp.expiredSessionRejections()).as("401s from the ERP").isPositive();
            }

            Map<String, String> refused = new HashMap<>(systems.properties());
            refused.put("bridge.crm.auth.client-secret", "refused-secret-" + systems.clientSecret);
            secrets.add("refused-secret-" + systems.clientSecret);
            try (BridgeRuntime bridge = BridgeRuntime.start(refused, systems.beans())) {
                bridge.runPass();
            }
        } finally {
            detach(captured);
        }

        String output = render(captured.list);
        assertThat(secrets).as("secrets collected").hasSizeGreaterThanOrEqualTo(7);
        assertThat(output).as("captured log").contains("sync summary:").contains("CRM login refused");
        for (String secret : secrets) {
            // The failure message shows the offending line with the secret masked, never the secret itself.
            assertThat(output.contains(secret)).as("a secret is logged in: %s", maskedLineWith(output, secret))
                    .isFalse();
        }
    }

    private static String maskedLineWith(String output, String secret) {
        return output.lines().filter(line -> line.contains(secret)).findFirst().orElse("")
                .replace(secret, "***");
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

    private static ListAppender<ILoggingEvent> captureAllLogsAtDebug() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.setContext(context);
        appender.start();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(appender);
        // As an operator chasing a problem would: DEBUG for the bridge and for Camel.
        for (String name : List.of("io.crmbridge", "org.apache.camel")) {
            context.getLogger(name).setLevel(Level.DEBUG);
        }
        return appender;
    }

    private static void detach(ListAppender<ILoggingEvent> appender) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).detachAppender(appender);
        context.getLogger("io.crmbridge").setLevel(Level.INFO);
        context.getLogger("org.apache.camel").setLevel(Level.WARN);
    }

    private static String render(List<ILoggingEvent> events) {
        List<String> lines = new ArrayList<>();
        for (ILoggingEvent event : events) {
            lines.add(event.getFormattedMessage());
            event.getMDCPropertyMap().forEach((key, value) -> lines.add(key + "=" + value));
            for (IThrowableProxy error = event.getThrowableProxy(); error != null; error = error.getCause()) {
                lines.add(error.getClassName() + ": " + error.getMessage());
            }
        }
        return String.join("\n", lines);
    }
}
