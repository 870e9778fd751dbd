package io.crmbridge.auth;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crmbridge.BridgeException;
import io.crmbridge.Json;
import io.crmbridge.SystemSettings;
import io.crmbridge.logging.LogSecrets;
import io.crmbridge.remote.HttpCalls;
import io.crmbridge.remote.HttpReply;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A JSON login answered with a session id, which later calls send back as a cookie or a header.
 *
 * <p>Where the id and its lifetime are in the answer is set by JSON pointers; the body is built from settings.
 * The defaults fit SAP Business One's Service Layer: {@code POST <base-url>/b1s/v1/Login} with
 * {@code {"CompanyDB", "UserName", "Password"}}, answered {@code {"SessionId": ..., "SessionTimeout": 30}}
 * (minutes), and sent back as {@code Cookie: B1SESSION=<id>} along with any other cookie the login set
 * (such as the load balancer's {@code ROUTEID}).
 */
public final class JsonSessionLogin implements LoginKind {

    /** The kind name used in {@code bridge.<system>.auth.kind}. */
    public static final String NAME = "session-login";

    private static final String LOGIN_PATH = "/b1s/v1/Login";
    private static final String BODY_FIELDS = "CompanyDB=company,UserName=login,Password=password";
    private static final String SESSION_POINTER = "/SessionId";
    private static final String LIFETIME_POINTER = "/SessionTimeout";
    private static final String SEND_AS = "cookie:B1SESSION";
    private static final Map<String, ChronoUnit> UNITS = Map.of("milliseconds", ChronoUnit.MILLIS,
            "seconds", ChronoUnit.SECONDS, "minutes", ChronoUnit.MINUTES, "hours", ChronoUnit.HOURS);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void checkSettings(String system, SystemSettings settings) {
        LoginAnswers.loginUrl(settings, system, LOGIN_PATH);
        sendAs(settings, system);
        pointer(settings, system, "auth.session-pointer", SESSION_POINTER);
        pointer(settings, system, "auth.lifetime-pointer", LIFETIME_POINTER);
        unit(settings, system);
        bodyFields(settings, system).values().forEach(key -> settings.required(system, "auth." + key));
    }

    @Override
    public Token login(String system, SystemSettings settings, LoginTransport transport, Clock clock) {
        String url = LoginAnswers.loginUrl(settings, system, LOGIN_PATH);
        String prefix = "bridge." + system + ".";
        String label = SystemSettings.label(system);
        // as errors show it: without user-info or query
        String shownUrl = HttpCalls.redactedLoginUrl(url);
        SendAs sendAs = sendAs(settings, system);
        JsonPointer sessionPointer = pointer(settings, system, "auth.session-pointer", SESSION_POINTER);
        JsonPointer lifetimePointer = pointer(settings, system, "auth.lifetime-pointer", LIFETIME_POINTER);
        ChronoUnit unit = unit(settings, system);
        Map<String, String> fields = bodyFields(settings, system);
        ObjectNode request = Json.MAPPER.createObjectNode();
        fields.forEach((field, key) -> {
            String value = settings.required(system, "auth." + key);
            request.put(field, value);
            // Any field but the user name may be a secret, whatever its setting is called (a pin, a key)
            if (!key.equals("login")) {
                LogSecrets.addSecret(system + ".auth." + key, value);
            }
        });
        String who = settings.optional(system, "auth.login").map(login -> " for user '" + login + "'").orElse("");
        String credentials = String.join(", ", fields.values().stream().map(key -> prefix + "auth." + key).toList());

        HttpReply reply = transport.post(system, url, "application/json", Json.write(request), Map.of());
        Instant obtainedAt = clock.instant();
        Optional<JsonNode> answer = Json.tryParse(reply.body()).filter(JsonNode::isObject);
        if (reply.status() == 400 || reply.status() == 401 || reply.status() == 403) {
            throw new LoginException(label + " login refused" + who + " at " + shownUrl
                    + ": HTTP " + reply.status() + answer.map(JsonSessionLogin::errorText).orElse("")
                    + "; check " + credentials);
        }
        if (!reply.isSuccess()) {
            throw new LoginException(label + " login at " + shownUrl + " answered HTTP "
                    + reply.status() + answer.map(JsonSessionLogin::errorText).orElse("")
                    + LoginAnswers.unexpectedStatus(reply, prefix + "base-url (or " + prefix + "auth.login-url)"));
        }
        JsonNode body = answer.orElseThrow(() -> new LoginException(label + " login at "
                + shownUrl + " answered HTTP " + reply.status() + " without a JSON body ("
                + LoginAnswers.describe(reply.contentType()) + "); check " + prefix + "base-url (or " + prefix
                + "auth.login-url)"));

        JsonNode sessionNode = body.at(sessionPointer);
        String sessionId = sessionNode.isValueNode() ? sessionNode.asText("").trim() : "";
        if (sessionId.isEmpty()) {
            throw new LoginException(label + " login at " + shownUrl
                    + " answered no session id at " + sessionPointer + "; check " + prefix + "auth.session-pointer");
        }
        Duration lifetime = lifetime(body.at(lifetimePointer), unit, settings, system,
                label + " login at " + shownUrl + " answered", lifetimePointer);
        return Token.ofHeaders(system, NAME, sessionId, headers(sendAs, sessionId, reply),
                obtainedAt.plus(lifetime), obtainedAt);
    }

    private static Duration lifetime(JsonNode field, ChronoUnit unit, SystemSettings settings, String system,
                                     String where, JsonPointer pointer) {
        if (field.isMissingNode() || field.isNull()) {
            if (settings.optional(system, "auth.session-lifetime").isEmpty()) {
                throw new LoginException(where + " no session lifetime at " + pointer + "; check bridge."
                        + system + ".auth.lifetime-pointer or set bridge." + system + ".auth.session-lifetime");
            }
            return settings.positiveDuration(system, "auth.session-lifetime", Duration.ZERO);
        }
        BigDecimal amount = LoginAnswers.decimal(field).orElseThrow(() -> new LoginException(where
                + " an unreadable session lifetime at " + pointer));
        long millis;
        try {
            millis = amount.multiply(BigDecimal.valueOf(unit.getDuration().toMillis()))
                    .setScale(0, RoundingMode.DOWN).longValueExact();
        } catch (ArithmeticException e) {
            throw new LoginException(where + " an unreadable session lifetime at " + pointer);
        }
        if (millis <= 0) {
            throw new LoginException(where + " session lifetime " + amount.toPlainString() + " at " + pointer
                    + ", which is not a positive number of " + unit.toString().toLowerCase(Locale.ROOT));
        }
        return Duration.ofMillis(millis);
    }

    private static Map<String, String> headers(SendAs sendAs, String sessionId, HttpReply reply) {
        if (sendAs.header()) {
            return Map.of(sendAs.name(), sessionId);
        }
        Map<String, String> cookies = new LinkedHashMap<>(LoginAnswers.cookies(reply));
        cookies.put(sendAs.name(), sessionId);
        return Map.of("Cookie", LoginAnswers.cookieHeader(cookies));
    }

    /** How the session id travels: as a header, or as a cookie, of the given name. */
    private record SendAs(boolean header, String name) {
    }

    private static SendAs sendAs(SystemSettings settings, String system) {
        String text = settings.optional(system, "auth.send-as").orElse(SEND_AS);
        int colon = text.indexOf(':');
        String how = colon < 0 ? "" : text.substring(0, colon).trim().toLowerCase(Locale.ROOT);
        String name = colon < 0 ? "" : text.substring(colon + 1).trim();
        if (name.isEmpty() || !(how.equals("cookie") || how.equals("header"))) {
            throw new BridgeException("Setting bridge." + system + ".auth.send-as must read cookie:<name> or "
                    + "header:<name>" + LoginAnswers.NOT_SHOWN);
        }
        return new SendAs(how.equals("header"), name);
    }

    private static Map<String, String> bodyFields(SystemSettings settings, String system) {
        String setting = settings.optional(system, "auth.body-fields").orElse(BODY_FIELDS);
        Map<String, String> fields = new LinkedHashMap<>();
        for (String pair : setting.split(",")) {
            String[] parts = pair.split("=", 2);
            if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
                throw new BridgeException("Setting bridge." + system + ".auth.body-fields must list "
                        + "<JSON field>=<setting> pairs such as " + BODY_FIELDS + LoginAnswers.NOT_SHOWN);
            }
            fields.put(parts[0].trim(), parts[1].trim());
        }
        return fields;
    }

    private static JsonPointer pointer(SystemSettings settings, String system, String key, String fallback) {
        String text = settings.optional(system, key).orElse(fallback);
        try {
            return JsonPointer.compile(text);
        } catch (IllegalArgumentException e) {
            throw new BridgeException("Setting bridge." + system + "." + key + " must be a JSON pointer such as "
                    + fallback + LoginAnswers.NOT_SHOWN);
        }
    }

    private static ChronoUnit unit(SystemSettings settings, String system) {
        String text = settings.optional(system, "auth.lifetime-unit").orElse("minutes");
        ChronoUnit unit = UNITS.get(text.toLowerCase(Locale.ROOT));
        if (unit == null) {
            throw new BridgeException("Setting bridge." + system + ".auth.lifetime-unit must be one of "
                    + "milliseconds, seconds, minutes, hours" + LoginAnswers.NOT_SHOWN);
        }
        return unit;
    }

    /** Reads the error text of a refused login, such as Service Layer's {@code error.message.value}. */
    private static String errorText(JsonNode answer) {
        JsonNode message = answer.path("error").path("message");
        String text = message.isObject() ? message.path("value").asText("") : message.asText("");
        if (text.isEmpty()) {
            text = answer.path("message").asText("");
        }
        return text.isEmpty() ? "" : " (" + LoginAnswers.shortMessage(text) + ")";
    }
}
