package io.crmbridge.auth;

import com.fasterxml.jackson.databind.JsonNode;
import io.crmbridge.BridgeException;
import io.crmbridge.Json;
import io.crmbridge.SystemSettings;
import io.crmbridge.remote.HttpCalls;
import io.crmbridge.remote.HttpReply;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * OAuth 2.0 client credentials grant: a form POST to the token URL, answered with a bearer token.
 *
 * <p>The client authenticates in the form body ({@code client_id}, {@code client_secret}) or, with
 * {@code bridge.<system>.auth.client-auth=basic}, by HTTP Basic. The expiry comes from the first of:
 * {@code expires_in} (seconds, a number or a numeric string); {@code expires_at} (ISO-8601, epoch seconds or
 * epoch milliseconds); the JWT {@code exp} claim of the token; {@code issued_at} plus
 * {@code bridge.<system>.auth.default-lifetime}; {@code default-lifetime} from the time of the login.
 */
public final class OAuth2ClientCredentialsLogin implements LoginKind {

    /** The kind name used in {@code bridge.<system>.auth.kind}. */
    public static final String NAME = "oauth2-client-credentials";

    private static final Duration DEFAULT_LIFETIME = Duration.ofHours(1);

    /** Epoch numbers at least this large are milliseconds: as seconds they would lie past the year 5000. */
    private static final BigDecimal EPOCH_MILLIS_FROM = new BigDecimal("100000000000");

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void checkSettings(String system, SystemSettings settings) {
        settings.required(system, "auth.token-url");
        settings.required(system, "auth.client-id");
        settings.required(system, "auth.client-secret");
        basicClientAuth(settings, system);
    }

    @Override
    public Token login(String system, SystemSettings settings, LoginTransport transport, Clock clock) {
        String tokenUrl = settings.required(system, "auth.token-url");
        String clientId = settings.required(system, "auth.client-id");
        String clientSecret = settings.required(system, "auth.client-secret");
        boolean basic = basicClientAuth(settings, system);
        String label = SystemSettings.label(system);

        StringBuilder form = new StringBuilder("grant_type=client_credentials");
        if (!basic) {
            form.append("&client_id=").append(encode(clientId)).append("&client_secret=").append(encode(clientSecret));
        }
        settings.optional(system, "auth.scope").ifPresent(scope -> form.append("&scope=").append(encode(scope)));
        settings.optional(system, "auth.audience")
                .ifPresent(audience -> form.append("&audience=").append(encode(audience)));
        Map<String, String> headers = basic ? Map.of("Authorization", "Basic " + basicCredentials(clientId,
                clientSecret)) : Map.of();

        HttpReply reply = transport.post(system, tokenUrl, "application/x-www-form-urlencoded", form.toString(),
                headers);
        Instant obtainedAt = clock.instant();
        JsonNode answer = Json.tryParse(reply.body()).filter(JsonNode::isObject).orElse(null);
        JsonNode errorCode = answer == null ? null : answer.path("error");
        String error = errorCode == null ? "" : " (" + (errorCode.isValueNode() && !errorCode.isNull()
                ? LoginAnswers.shortMessage(errorCode.asText()) : "no error code") + ")";
        String shownUrl = HttpCalls.redactedLoginUrl(tokenUrl);
        if (reply.status() == 400 || reply.status() == 401 || reply.status() == 403) {
            throw new LoginException(label + " login refused for client '" + clientId + "' at " + shownUrl
                    + ": HTTP " + reply.status() + error + "; check bridge." + system + ".auth.client-id and bridge."
                    + system + ".auth.client-secret" + (basic ? " (sent by HTTP Basic)" : ""));
        }
        String where = label + " login at " + shownUrl;
        if (LoginAnswers.isRedirect(reply)) {
            throw new LoginException(where + " answered HTTP " + reply.status() + ", a redirect"
                    + LoginAnswers.redirectTarget(reply) + ", which the bridge does not follow; set bridge." + system
                    + ".auth.token-url to the URL the redirects end at");
        }
        if (!reply.isSuccess()) {
            throw new LoginException(where + " answered HTTP " + reply.status() + error
                    + "; the identity server may be down, or bridge." + system + ".auth.token-url may be wrong");
        }
        if (answer == null) {
            throw new LoginException(where + " answered HTTP " + reply.status() + " without a JSON body ("
                    + LoginAnswers.describe(reply.contentType()) + "); check bridge." + system + ".auth.token-url");
        }
        String accessToken = answer.path("access_token").asText("");
        if (accessToken.isBlank()) {
            throw new LoginException(where + " answered without access_token");
        }

        Instant expiresAt = expiry(answer, accessToken, obtainedAt, settings, system, where);
        String tokenType = answer.path("token_type").asText("Bearer");
        String scheme = tokenType.equalsIgnoreCase("bearer") ? "Bearer" : tokenType;
        return new Token(system, NAME, scheme, accessToken, expiresAt, obtainedAt);
    }

    private static Instant expiry(JsonNode answer, String accessToken, Instant obtainedAt, SystemSettings settings,
                                  String system, String where) {
        Duration fallback = settings.positiveDuration(system, "auth.default-lifetime",
                DEFAULT_LIFETIME);
        Optional<Duration> expiresIn = expiresIn(answer, where);
        if (expiresIn.isPresent()) {
            return obtainedAt.plus(expiresIn.get());
        }
        Optional<Instant> expiresAt = instantField(answer, "expires_at", where);
        if (expiresAt.isPresent()) {
            return after(expiresAt.get(), obtainedAt, where + " answered expires_at " + expiresAt.get());
        }
        Optional<Instant> exp = jwtExpiry(accessToken, where);
        if (exp.isPresent()) {
            return after(exp.get(), obtainedAt, where + " answered a JWT whose exp claim is " + exp.get());
        }
        Optional<Instant> issuedAt = instantField(answer, "issued_at", where);
        if (issuedAt.isPresent()) {
            return after(issuedAt.get().plus(fallback), obtainedAt, where + " answered issued_at "
                    + issuedAt.get() + "; with bridge." + system + ".auth.default-lifetime " + fallback
                    + " the token ends at " + issuedAt.get().plus(fallback));
        }
        return obtainedAt.plus(fallback);
    }

    private static Instant after(Instant expiresAt, Instant obtainedAt, String what) {
        if (!expiresAt.isAfter(obtainedAt)) {
            throw new LoginException(what + ", which is not after the time of the login (" + obtainedAt + ")");
        }
        return expiresAt;
    }

    private static Optional<Duration> expiresIn(JsonNode answer, String where) {
        JsonNode field = answer.path("expires_in");
        if (field.isMissingNode() || field.isNull()) {
            return Optional.empty();
        }
        BigDecimal seconds = LoginAnswers.decimal(field).orElseThrow(() -> new LoginException(where
                + " answered an unreadable expires_in"));
        if (seconds.signum() <= 0) {
            throw new LoginException(where + " answered expires_in " + seconds.toPlainString()
                    + ", which is not a positive number of seconds");
        }
        return Optional.of(LoginAnswers.seconds(seconds));
    }

    /** Reads an instant given as ISO-8601 text, epoch seconds or epoch milliseconds, told apart by magnitude. */
    private static Optional<Instant> instantField(JsonNode answer, String name, String where) {
        JsonNode field = answer.path(name);
        if (field.isMissingNode() || field.isNull()) {
            return Optional.empty();
        }
        Optional<BigDecimal> epoch = LoginAnswers.decimal(field);
        try {
            if (epoch.isPresent()) {
                BigDecimal millis = epoch.get().abs().compareTo(EPOCH_MILLIS_FROM) >= 0 ? epoch.get()
                        : epoch.get().movePointRight(3);
                return Optional.of(Instant.ofEpochMilli(millis.setScale(0, RoundingMode.DOWN).longValueExact()));
            }
            if (field.isTextual()) {
                return Optional.of(OffsetDateTime.parse(field.asText().trim()).toInstant());
            }
        } catch (DateTimeException | ArithmeticException e) {
            throw unreadableInstant(name, where);
        }
        throw unreadableInstant(name, where);
    }

    private static LoginException unreadableInstant(String name, String where) {
        return new LoginException(where + " answered an unreadable " + name
                + "; it must be ISO-8601 with an offset, epoch seconds or epoch milliseconds");
    }

    /**
     * Reads the {@code exp} claim of a JWT without verifying it: it only decides when to log in again. A token
     * that is not a JWT, or a JWT without {@code exp}, gives nothing; an {@code exp} that is not a number fails.
     */
    static Optional<Instant> jwtExpiry(String token, String where) {
        String[] parts = token.split("\\.");
        if (parts.length != 3) {
            return Optional.empty();
        }
        Optional<JsonNode> claims;
        try {
            byte[] payload = Base64.getUrlDecoder().decode(parts[1]);
            claims = Json.tryParse(new String(payload, StandardCharsets.UTF_8)).filter(JsonNode::isObject);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        JsonNode exp = claims.map(node -> node.path("exp")).orElse(null);
        if (exp == null || exp.isMissingNode() || exp.isNull()) {
            return Optional.empty();
        }
        BigDecimal seconds = LoginAnswers.decimal(exp).orElseThrow(() -> new LoginException(where
                + " answered a JWT with an unreadable exp claim"));
        try {
            return Optional.of(Instant.ofEpochSecond(seconds.longValue()));
        } catch (DateTimeException e) {
            throw new LoginException(where + " answered a JWT with an unreadable exp claim");
        }
    }

    private static boolean basicClientAuth(SystemSettings settings, String system) {
        String clientAuth = settings.optional(system, "auth.client-auth").orElse("body");
        return switch (clientAuth.toLowerCase(Locale.ROOT)) {
            case "body" -> false;
            case "basic" -> true;
            default -> throw new BridgeException("Setting bridge." + system + ".auth.client-auth must be body or "
                    + "basic" + LoginAnswers.NOT_SHOWN);
        };
    }

    /** Form-encodes id and secret before joining them, as RFC 6749 section 2.3.1 asks. */
    private static String basicCredentials(String clientId, String clientSecret) {
        String pair = encode(clientId) + ":" + encode(clientSecret);
        return Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
