package io.crmbridge.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crmbridge.Json;
import io.crmbridge.SystemSettings;
import io.crmbridge.remote.HttpCalls;
import io.crmbridge.remote.HttpReply;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Creatio's cookie login ({@code AuthService.svc/Login}); later calls send the session cookies in one
 * {@code Cookie} header and the {@code BPMCSRF} cookie's value again as a {@code BPMCSRF} header.
 *
 * <p>Creatio answers HTTP 200 even to a refused login, so the {@code Code} of the answer decides (0 is
 * success). The answer carries no lifetime: {@code bridge.<system>.auth.session-lifetime} applies.
 */
public final class CreatioFormsLogin implements LoginKind {

    /** The kind name used in {@code bridge.<system>.auth.kind}. */
    public static final String NAME = "creatio-forms";

    /** Short enough to stay under the session timeout Creatio sites are usually given; the setting can change it. */
    private static final Duration DEFAULT_SESSION_LIFETIME = Duration.ofMinutes(30);
    private static final String LOGIN_PATH = "/ServiceModel/AuthService.svc/Login";
    private static final String CSRF = "BPMCSRF";
    private static final List<String> REQUIRED_COOKIES = List.of(".ASPXAUTH", CSRF);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void checkSettings(String system, SystemSettings settings) {
        LoginAnswers.loginUrl(settings, system, LOGIN_PATH);
        settings.required(system, "auth.login");
        settings.required(system, "auth.password");
    }

    @Override
    public Token login(String system, SystemSettings settings, LoginTransport transport, Clock clock) {
        String url = LoginAnswers.loginUrl(settings, system, LOGIN_PATH);
        String user = settings.required(system, "auth.login");
        String password = settings.required(system, "auth.password");
        Duration lifetime = settings.positiveDuration(system, "auth.session-lifetime",
                DEFAULT_SESSION_LIFETIME);
        String label = SystemSettings.label(system);
        // as errors show it: without user-info or query
        String shownUrl = HttpCalls.redactedLoginUrl(url);
        String credentials = "bridge." + system + ".auth.login and bridge." + system + ".auth.password";

        ObjectNode request = Json.MAPPER.createObjectNode();
        request.put("UserName", user);
        request.put("UserPassword", password);
        HttpReply reply = transport.post(system, url, "application/json", Json.write(request),
                Map.of("ForceUseSession", "true"));
        Instant obtainedAt = clock.instant();
        if (reply.status() == 401 || reply.status() == 403) {
            throw new LoginException(label + " login refused for user '" + user + "' at "
                    + shownUrl + ": HTTP " + reply.status() + "; check " + credentials);
        }
        if (!reply.isSuccess()) {
            throw new LoginException(label + " login at " + shownUrl + " answered HTTP " + reply.status()
                    + LoginAnswers.unexpectedStatus(reply, "bridge." + system + ".base-url (or bridge." + system
                    + ".auth.login-url)"));
        }
        JsonNode answer = Json.tryParse(reply.body()).filter(JsonNode::isObject).orElseThrow(() ->
                new LoginException(label + " login at " + shownUrl + " answered HTTP "
                        + reply.status() + " without a JSON body (" + LoginAnswers.describe(reply.contentType())
                        + "); check bridge." + system + ".base-url (or bridge." + system + ".auth.login-url)"));
        JsonNode code = answer.path("Code");
        if (!code.canConvertToInt()) {
            throw new LoginException(label + " login at " + shownUrl + " answered without a "
                    + "numeric Code; check bridge." + system + ".base-url (or bridge." + system
                    + ".auth.login-url)");
        }
        if (code.asInt() != 0) {
            String message = LoginAnswers.shortMessage(answer.path("Message").asText(""));
            throw new LoginException(label + " login refused for user '" + user + "' at "
                    + shownUrl + ": Code " + code.asInt()
                    + (message.isEmpty() ? "" : " (" + message + ")") + "; check " + credentials);
        }

        Map<String, String> cookies = LoginAnswers.cookies(reply);
        for (String required : REQUIRED_COOKIES) {
            if (!cookies.containsKey(required)) {
                throw new LoginException(label + " login at " + shownUrl
                        + " answered Code 0 without the " + required + " cookie; check that bridge." + system
                        + ".base-url (or bridge." + system + ".auth.login-url) is a Creatio site");
            }
        }
        String cookieHeader = LoginAnswers.cookieHeader(cookies);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Cookie", cookieHeader);
        headers.put(CSRF, cookies.get(CSRF));
        return Token.ofHeaders(system, NAME, cookieHeader, headers, obtainedAt.plus(lifetime), obtainedAt);
    }
}
