package io.crmbridge.auth;

import io.crmbridge.SystemSettings;
import io.crmbridge.remote.HttpCalls;
import io.crmbridge.remote.HttpReply;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.http.HttpMethods;
import org.apache.camel.ProducerTemplate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;

/**
 * Sends login requests through camel-http, each on an exchange of its own so that no header of a
 * caller's message ever reaches a login endpoint.
 */
public final class LoginTransport {

    /** A day: a longer Retry-After is taken as a day, so a silly value cannot stop logins for good. */
    private static final long LONGEST_RETRY_AFTER = 86_400;

    private final ProducerTemplate template;
    private final Clock clock;

    /** Creates a transport that sends through the HTTP component of a Camel context. */
    public LoginTransport(CamelContext context, Clock clock) {
        this.template = context.createProducerTemplate();
        this.clock = clock;
    }

    /**
     * POSTs a body to a login URL and returns what the server answered, whatever the status, with the server's
     * response headers (such as {@code Set-Cookie}) and none of the request's.
     *
     * @throws LoginException when the server cannot be reached or does not answer in time, or answered 429 or 503
     *                        with a {@code Retry-After}, which the exception carries
     */
    public HttpReply post(String system, String url, String contentType, String body, Map<String, String> headers) {
        HttpCalls.requireHttpUrl(url);
        Exchange exchange = template.request(HttpCalls.LOGIN_ENDPOINT, request -> {
            request.getMessage().setHeader(Exchange.HTTP_URI, url);
            request.getMessage().setHeader(Exchange.HTTP_METHOD, HttpMethods.POST);
            request.getMessage().setHeader(Exchange.CONTENT_TYPE, contentType);
            request.getMessage().setHeader("Accept", "application/json");
            headers.forEach(request.getMessage()::setHeader);
            request.getMessage().setBody(body);
        });
        if (exchange.getException() != null) {
            throw new LoginException(SystemSettings.label(system) + " login at " + HttpCalls.redactedLoginUrl(url)
                    + " failed: " + HttpCalls.describeTransportError(exchange.getException()),
                    exchange.getException());
        }
        HttpReply reply = HttpCalls.replyOf(exchange.getMessage());
        if (reply.status() == 429 || reply.status() == 503) {
            Optional<Duration> retryAfter = retryAfter(exchange.getMessage().getHeader("Retry-After", String.class));
            if (retryAfter.isPresent()) {
                throw new LoginException(SystemSettings.label(system) + " login endpoint at "
                        + HttpCalls.redactedLoginUrl(url) + " answered HTTP " + reply.status()
                        + " and asked not to be called again for " + retryAfter.get().toSeconds() + " s", null,
                        retryAfter.get());
            }
        }
        return reply;
    }

    /** Reads {@code Retry-After} as seconds or as an HTTP date. */
    private Optional<Duration> retryAfter(String header) {
        if (header == null || header.isBlank()) {
            return Optional.empty();
        }
        try {
            long seconds = Long.parseLong(header.trim());
            return seconds > 0 ? Optional.of(Duration.ofSeconds(Math.min(seconds, LONGEST_RETRY_AFTER)))
                    : Optional.empty();
        } catch (NumberFormatException notSeconds) {
            if (header.trim().matches("\\d+")) {
                return Optional.of(Duration.ofSeconds(LONGEST_RETRY_AFTER));
            }
            try {
                Instant until = ZonedDateTime.parse(header.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                Duration wait = Duration.between(clock.instant(), until);
                if (wait.toSeconds() > LONGEST_RETRY_AFTER) {
                    wait = Duration.ofSeconds(LONGEST_RETRY_AFTER);
                }
                return wait.isNegative() || wait.isZero() ? Optional.empty() : Optional.of(wait);
            } catch (DateTimeParseException notDate) {
                return Optional.empty();
            }
        }
    }
}
