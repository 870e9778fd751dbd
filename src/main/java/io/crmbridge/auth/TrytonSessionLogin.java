package io.crmbridge.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crmbridge.Json;
import io.crmbridge.SystemSettings;
import io.crmbridge.remote.HttpCalls;
import io.crmbridge.remote.HttpReply;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;

/**
 * Tryton's JSON-RPC session login ({@code common.db.login}); later calls send
 * {@code Authorization: Session base64(login:userId:sessionKey)}.
 *
 * <p>Tryton's answer carries no lifetime, so {@code bridge.<system>.auth.session-lifetime} applies.
 */
public final class TrytonSessionLogin implements LoginKind {

    /** The kind name used in {@code bridge.<system>.auth.kind}. */
    public static final String NAME = "tryton-session";

    private static final Duration DEFAULT_SESSION_LIFETIME = Duration.ofHours(1);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void checkSettings(String system, SystemSettings settings) {
        TrytonUrls.rpcUrl(settings, system);
        settings.required(system, "auth.login");
        settings.required(system, "auth.password");
    }

    @Override
    public Token login(String system, SystemSettings settings, LoginTransport transport, Clock clock) {
        String url = TrytonUrls.rpcUrl(settings, system);
        String user = settings.required(system, "auth.login");
        String password = settings.required(system, "auth.password");
        String label = SystemSettings.label(system);
        // as errors show it: without user-info or query
        String shownUrl = HttpCalls.redactedLoginUrl(url);

        ObjectNode request = Json.MAPPER.createObjectNode();
        request.put("id", 0);
        request.put("method", "common.db.login");
        ArrayNode params = request.putArray("params");
        params.add(user);
        params.addObject().put("password", password);
        params.add("en");

        HttpReply reply = transport.post(system, url, "application/json", Json.write(request), Map.of());
        Instant obtainedAt = clock.instant();
        if (reply.status() == 401 || reply.status() == 403) {
            throw new LoginException(label + " login refused for user '" + user + "' at "
                    + shownUrl + ": check bridge." + system + ".auth.login and bridge."
                    + system + ".auth.password");
        }
        if (reply.status() == 429) {
            throw new LoginException(label + " refuses logins for user '" + user + "' for now (HTTP 429, too many "
                    + "attempts): check bridge." + system + ".auth.password, then wait before trying again");
        }
        if (!reply.isSuccess()) {
            throw new LoginException(label + " login at " + shownUrl + " answered HTTP " + reply.status()
                    + LoginAnswers.unexpectedStatus(reply, "bridge." + system + ".base-url and bridge." + system
                    + ".database"));
        }
        JsonNode answer = Json.tryParse(reply.body()).orElseThrow(() -> new LoginException(label + " login at "
                + shownUrl + " answered a body that is not valid JSON ("
                + LoginAnswers.describe(reply.contentType()) + ")"));
        if (answer.hasNonNull("error")) {
            throw new LoginException(label + " login refused for user '" + user + "' at "
                    + shownUrl + ": " + LoginAnswers.shortMessage(TrytonUrls.errorText(answer.get("error"))));
        }
        JsonNode result = answer.path("result");
        if (!result.isArray() || result.size() < 2 || !result.get(0).canConvertToLong()
                || result.get(1).asText().isBlank()) {
            throw new LoginException(label + " login at " + shownUrl
                    + " answered without a user id and session key");
        }

        String credential = user + ":" + result.get(0).asLong() + ":" + result.get(1).asText();
        String value = Base64.getEncoder().encodeToString(credential.getBytes(StandardCharsets.UTF_8));
        Duration lifetime = settings.positiveDuration(system, "auth.session-lifetime", DEFAULT_SESSION_LIFETIME);
        return new Token(system, NAME, "Session", value, obtainedAt.plus(lifetime), obtainedAt);
    }
}
