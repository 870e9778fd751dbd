package io.crmbridge.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.crmbridge.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.RSAPublicKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A CRM stand-in that, like a real resource server, accepts only bearer tokens signed by an OAuth 2.0 realm
 * (RS256, keys from its JWKS), issued by it and not yet expired by the real clock. It answers
 * {@code /0/odata/...} GETs with an empty page and remembers every token it was shown, by fingerprint only.
 */
public final class BearerCheckingServer implements AutoCloseable {

    /** One request as judged: which token, until when it was valid, when it came, why it was refused. */
    public record Use(String fingerprint, Instant expiresAt, Instant usedAt, String rejection) {

        /** Whether the token was accepted. */
        public boolean accepted() {
            return rejection == null;
        }
    }

    private static final String ODATA_PREFIX = "/0/odata/";

    private final String issuer;
    private final URI jwksUrl;
    private final Clock clock = Clock.systemUTC();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Map<String, PublicKey> keys = new ConcurrentHashMap<>();
    private final List<Use> uses = new ArrayList<>();
    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(2);

    private BearerCheckingServer(String issuer, String jwksUrl) throws IOException {
        this.issuer = issuer;
        this.jwksUrl = URI.create(jwksUrl);
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
    }

    /** Starts a server on a free loopback port trusting the tokens of {@code issuer}. */
    public static BearerCheckingServer start(String issuer, String jwksUrl) {
        try {
            BearerCheckingServer resourceServer = new BearerCheckingServer(issuer, jwksUrl);
            resourceServer.loadKeys();
            resourceServer.server.start();
            return resourceServer;
        } catch (IOException e) {
            throw new UncheckedIOException("The bearer-checking resource server could not start", e);
        }
    }

    /** Root URL, for {@code bridge.crm.base-url}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Every request with its verdict, in the order they arrived. */
    public synchronized List<Use> uses() {
        return List.copyOf(uses);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Instant now = clock.instant();
            if (!"GET".equals(exchange.getRequestMethod())
                    || !exchange.getRequestURI().getPath().startsWith(ODATA_PREFIX)) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            Use use = judge(exchange.getRequestHeaders().getFirst("Authorization"), now);
            synchronized (this) {
                uses.add(use);
            }
            if (use.accepted()) {
                byte[] body = "{\"value\":[]}".getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            } else {
                exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer error=\"invalid_token\"");
                exchange.sendResponseHeaders(401, -1);
            }
        }
    }

    private Use judge(String authorization, Instant now) {
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            return new Use(null, null, now, "no bearer token");
        }
        String token = authorization.substring("Bearer ".length()).trim();
        String fingerprint = fingerprint(token);
        String[] parts = token.split("\\.");
        if (parts.length != 3) {
            return new Use(fingerprint, null, now, "not a JWT");
        }
        JsonNode header = decode(parts[0]);
        JsonNode claims = decode(parts[1]);
        if (header == null || claims == null || !claims.path("exp").isNumber()) {
            return new Use(fingerprint, null, now, "unreadable JWT");
        }
        Instant expiresAt = Instant.ofEpochSecond(claims.path("exp").asLong());
        String rejection = null;
        boolean rs256 = "RS256".equals(header.path("alg").asText());
        if (!rs256 || !signatureValid(header.path("kid").asText(), parts)) {
            rejection = "signature not valid for " + issuer;
        } else if (!issuer.equals(claims.path("iss").asText())) {
            rejection = "issued by " + claims.path("iss").asText();
        } else if (!now.isBefore(expiresAt)) {
            // RFC 7519: a token must not be accepted on or after its exp.
            rejection = "expired";
        }
        return new Use(fingerprint, expiresAt, now, rejection);
    }

    private boolean signatureValid(String kid, String[] parts) {
        PublicKey key = keys.get(kid);
        if (key == null) {
            loadKeys();
            key = keys.get(kid);
        }
        if (key == null) {
            return false;
        }
        try {
            Signature verifier = Signature.getInstance("SHA256withRSA");
            verifier.initVerify(key);
            verifier.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            return verifier.verify(Base64.getUrlDecoder().decode(parts[2]));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    private void loadKeys() {
        HttpResponse<String> reply;
        try {
            reply = http.send(HttpRequest.newBuilder(jwksUrl).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        for (JsonNode jwk : Json.tryParse(reply.body()).map(body -> body.path("keys")).orElse(Json.MAPPER
                .createArrayNode())) {
            if ("RSA".equals(jwk.path("kty").asText()) && "sig".equals(jwk.path("use").asText())) {
                keys.put(jwk.path("kid").asText(), rsaKey(jwk));
            }
        }
    }

    private static PublicKey rsaKey(JsonNode jwk) {
        BigInteger modulus = new BigInteger(1, Base64.getUrlDecoder().decode(jwk.path("n").asText()));
        BigInteger exponent = new BigInteger(1, Base64.getUrlDecoder().decode(jwk.path("e").asText()));
        try {
            return KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(modulus, exponent));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Unreadable RSA key " + jwk.path("kid").asText() + " in the JWKS",
                    e);
        }
    }

    private static JsonNode decode(String part) {
        try {
            return Json.tryParse(new String(Base64.getUrlDecoder().decode(part), StandardCharsets.UTF_8))
                    .filter(JsonNode::isObject).orElse(null);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String fingerprint(String token) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            byte[] digest = sha256.digest(token.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
