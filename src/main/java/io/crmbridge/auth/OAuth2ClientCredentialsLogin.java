package io.crmbridge.auth;

import com.fasterxml.jackson.databind.JsonNode;
import io.crmbridge.Json;
import io.crmbridge.SystemSettings;
import io.crmbridge.remote.HttpReply;

import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * OAuth 2.0 client credentials grant: a form POST to the token URL, answered with a bearer token.
 *
 * <p>The expiry comes from {@code expires_in} (a number or a numeric string), else from the JWT {@code exp}
 * claim of the token, else from {@code bridge.<system>.auth.default-lifetime}.
 */
public final class OAuth2ClientCredentialsLogin implements LoginKind {

    /** The kind name used in {@code bridge.<system>.auth.kind}. */
    public static final String NAME = "oauth2-client-credentials";

    private static final Duration DEFAULT_LIFETIME = Duration.ofHours(1);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Token login(String system, SystemSettings settings, LoginTransport transport, Clock clock) {
        String tokenUrl = settings.required(system, "auth.token-url");
        String clientId = settings.required(system, "auth.client-id");
        String clientSecret = settings.required(system, "auth.client-secret");
        String label = system.toUpperCase(Locale.ROOT);

        StringBuilder form = new StringBuilder("grant_type=client_credentials")
                .append("&client_id=").append(encode(clientId))
                .append("&client_secret=").append(encode(clientSecret));
        settings.optional(system, "auth.scope").ifPresent(scope -> form.append("&scope=").append(encode(scope)));

        HttpReply reply = transport.post(system, tokenUrl, "application/x-www-form-urlencoded", form.toString(),
                Map.of());
        Instant obtainedAt = clock.instant();
        JsonNode answer = Json.tryParse(reply.body()).filter(JsonNode::isObject).orElse(null);
        String error = answer == null ? "" : " (" + answer.path("error").asText("no error code") + ")";
        if (reply.status() == 400 || reply.status() == 401 || reply.status() == 403) {
            throw new LoginException(label + " login refused for client '" + clientId + "' at " + tokenUrl
                    + ": HTTP " + reply.status() + error + "; check bridge." + system + ".auth.client-id and "
                    + "bridge." + system + ".auth.client-secret");
        }
        if (!reply.isSuccess()) {
            throw new LoginException(label + " login at " + tokenUrl + " answered HTTP " + reply.status() + error
                    + "; the identity server may be down, or bridge." + system + ".auth.token-url may be wrong");
        }
        if (answer == null) {
            throw new LoginException(label + " login at " + tokenUrl + " answered HTTP " + reply.status()
                    + " without a JSON body (" + describe(reply.contentType()) + "); check bridge." + system
                    + ".auth.token-url");
        }
        String accessToken = answer.path("access_token").asText("");
        if (accessToken.isBlank()) {
            throw new LoginException(label + " login at " + tokenUrl + " answered without access_token");
        }

        Duration fallback = settings.duration(system, "auth.default-lifetime", DEFAULT_LIFETIME);
        Instant expiresAt = expiresIn(answer, label, tokenUrl).map(obtainedAt::plus)
                .or(() -> jwtExpiry(accessToken))
                .orElse(obtainedAt.plus(fallback));
        String tokenType = answer.path("token_type").asText("Bearer");
        String scheme = tokenType.equalsIgnoreCase("bearer") ? "Bearer" : tokenType;
        return new Token(system, NAME, scheme, accessToken, expiresAt, obtainedAt);
    }

    private static Optional<Duration> expiresIn(JsonNode answer, String label, String tokenUrl) {
        JsonNode field = answer.get("expires_in");
        if (field == null || field.isNull()) {
            return Optional.empty();
        }
        BigDecimal seconds;
        try {
            seconds = field.isNumber() ? field.decimalValue() : new BigDecimal(field.asText().trim());
        } catch (NumberFormatException e) {
            throw new LoginException(label + " login at " + tokenUrl + " answered an unreadable expires_in");
        }
        if (seconds.signum() <= 0) {
            throw new LoginException(label + " login at " + tokenUrl + " answered expires_in " + seconds
                    + ", which is not a positive number of seconds");
        }
        return Optional.of(Duration.ofMillis(seconds.movePointRight(3).longValue()));
    }

    /** Reads the {@code exp} claim of a JWT without verifying it: it only decides when to log in again. */
    static Optional<Instant> jwtExpiry(String token) {
        String[] parts = token.split("\\.");
        if (parts.length != 3) {
            return Optional.empty();
        }
        try {
            byte[] payload = Base64.getUrlDecoder().decode(parts[1]);
            return Json.tryParse(new String(payload, StandardCharsets.UTF_8))
                    .map(claims -> claims.get("exp"))
                    .filter(JsonNode::isNumber)
                    .map(exp -> Instant.ofEpochSecond(exp.asLong()));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static String describe(String contentType) {
        return contentType.isBlank() ? "no content type" : contentType;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
