package io.crmbridge.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crmbridge.Json;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real Keycloak 26.5.6 in development mode on a free loopback port, with the realm {@value #REALM} and
 * the confidential client {@value #CLIENT_ID} imported from
 * {@code src/test/resources/keycloak/bridge-realm.json}.
 *
 * <p>{@code .ci/install-keycloak.sh} installs it under {@code target/keycloak} together with the path of a
 * Java 21+ to run it. Each server starts from an empty database and gives the client a fresh random secret;
 * the realm file holding that secret is removed once Keycloak has imported it. {@link #stop()} and
 * {@link #start()} restart the same server on the same port with its realm and signing keys intact. When
 * Keycloak is not installed the calling test is aborted, unless {@code BRIDGE_REQUIRE_KEYCLOAK=true} makes
 * that a failure.
 */
public final class KeycloakServer implements AutoCloseable {

    /** Name of the imported realm. */
    public static final String REALM = "bridge";

    /** Client id of the imported confidential client with a service account. */
    public static final String CLIENT_ID = "crm-bridge";

    /** Environment variable that turns a missing Keycloak into a failure instead of a skipped test. */
    public static final String REQUIRE_ENV = "BRIDGE_REQUIRE_KEYCLOAK";

    static final String VERSION = "26.5.6";

    static final String NOT_INSTALLED = "Keycloak " + VERSION + " is not installed under target/keycloak: "
            + "run `bash .ci/install-keycloak.sh` to enable this test (" + REQUIRE_ENV + "=true turns this "
            + "skip into a failure, as in CI)";

    // The first start after installing also rebuilds Keycloak for development mode, about half a minute more.
    private static final Duration START_DEADLINE = Duration.ofSeconds(120);
    private static final Duration STOP_GRACE = Duration.ofSeconds(20);
    private static final Duration PROBE_PAUSE = Duration.ofMillis(250);
    private static final Path PROJECT_DIR = Paths.get(System.getProperty("basedir", "")).toAbsolutePath();
    private static final Path INSTALL_DIR = PROJECT_DIR.resolve("target/keycloak");
    private static final Path HOME = INSTALL_DIR.resolve("keycloak-" + VERSION);
    private static final Path JAVA_HOME_FILE = INSTALL_DIR.resolve("java-home");
    private static final Path SERVERS_DIR = PROJECT_DIR.resolve("target/keycloak-servers");
    private static final String REALM_RESOURCE = "/keycloak/bridge-realm.json";

    private final Path javaHome;
    private final Path log;
    private final int port;
    private final int managementPort;
    private final String clientSecret;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private Process process;
    private Thread shutdownHook;

    private KeycloakServer(Path javaHome, Path log, int port, int managementPort, String clientSecret) {
        this.javaHome = javaHome;
        this.log = log;
        this.port = port;
        this.managementPort = managementPort;
        this.clientSecret = clientSecret;
    }

    /**
     * Starts Keycloak with access tokens that live {@code accessTokenLifespan}, or aborts the calling test
     * when Keycloak is not installed.
     */
    public static KeycloakServer start(Duration accessTokenLifespan) {
        Path javaHome = locateKeycloak(System.getenv());
        try {
            Files.createDirectories(SERVERS_DIR);
            Path dir = Files.createTempDirectory(SERVERS_DIR, "server-");
            KeycloakServer server = new KeycloakServer(javaHome, dir.resolve("keycloak.log"),
                    freeLoopbackPort(), freeLoopbackPort(), randomSecret());
            server.resetData(accessTokenLifespan);
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("Keycloak test server could not be prepared under " + SERVERS_DIR,
                    e);
        }
    }

    /** Token endpoint of the realm, for {@code bridge.crm.auth.token-url}. */
    public String tokenUrl() {
        return issuer() + "/protocol/openid-connect/token";
    }

    /** Where the realm publishes the public keys its tokens are signed with. */
    public String jwksUrl() {
        return issuer() + "/protocol/openid-connect/certs";
    }

    /** The {@code iss} claim of the realm's tokens. */
    public String issuer() {
        return "http://127.0.0.1:" + port + "/realms/" + REALM;
    }

    /** Secret of {@link #CLIENT_ID}, random per server; never log it. */
    public String clientSecret() {
        return clientSecret;
    }

    /** Keycloak's own log, appended to across restarts. */
    public Path log() {
        return log;
    }

    /**
     * Starts the stopped server again on the same port and waits until its token endpoint answers; the realm,
     * client and keys are the ones imported at first start.
     */
    public void start() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("Keycloak on port " + port + " is already running");
        }
        ProcessBuilder builder = new ProcessBuilder(HOME.resolve("bin/kc.sh").toString(), "start-dev",
                "--http-host=127.0.0.1", "--http-port=" + port, "--http-management-port=" + managementPort,
                "--import-realm")
                .directory(HOME.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(name -> name.startsWith("KC_") || name.startsWith("QUARKUS_")
                || name.startsWith("JAVA_OPTS") || name.startsWith("BRIDGE_"));
        env.put("JAVA_HOME", javaHome.toString());
        env.put("JAVA_OPTS_KC_HEAP", "-Xms64m -Xmx512m");
        // C1 alone halves the start on a small, busy machine; a test server never lives long enough for C2.
        env.put("JAVA_OPTS_APPEND", "-XX:TieredStopAtLevel=1");
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Keycloak could not be started from " + HOME, e);
        }
        Process started = process;
        shutdownHook = new Thread(() -> destroyTree(started, true), "keycloak-" + port + "-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        awaitTokenEndpoint();
        deleteRealmFile();
    }

    /** Stops the server, forcibly if it does not exit within a grace period; {@link #start()} revives it. */
    public void stop() {
        if (process == null) {
            return;
        }
        destroyTree(process, false);
        try {
            if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                destroyTree(process, true);
                process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            destroyTree(process, true);
            Thread.currentThread().interrupt();
        } finally {
            process = null;
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // The hook is running or has run; the process is being killed either way.
            }
        }
    }

    /** Stops the server and removes the realm file should it still be there. */
    @Override
    public void close() {
        stop();
        deleteRealmFile();
    }

    /**
     * Returns the Java 21+ home recorded by the install script, aborting the test (or failing, when
     * {@code BRIDGE_REQUIRE_KEYCLOAK=true}) if Keycloak or that Java is missing.
     */
    static Path locateKeycloak(Map<String, String> env) {
        String missing = whatIsMissing();
        if (missing == null) {
            return readJavaHome();
        }
        if ("true".equalsIgnoreCase(env.getOrDefault(REQUIRE_ENV, "").trim())) {
            throw new IllegalStateException("Keycloak is not installed but " + REQUIRE_ENV + "=true: "
                    + missing + "; run .ci/install-keycloak.sh first");
        }
        Assumptions.abort(NOT_INSTALLED);
        throw new AssertionError("unreachable: Assumptions.abort always throws");
    }

    private static String whatIsMissing() {
        if (!Files.isExecutable(HOME.resolve("bin/kc.sh"))) {
            return HOME.resolve("bin/kc.sh") + " was not found";
        }
        if (!Files.isReadable(JAVA_HOME_FILE)) {
            return JAVA_HOME_FILE + ", naming the Java to run Keycloak with, was not found";
        }
        if (!Files.isExecutable(readJavaHome().resolve("bin/java"))) {
            return "the Java named in " + JAVA_HOME_FILE + " has no bin/java";
        }
        return null;
    }

    private static Path readJavaHome() {
        try {
            return Paths.get(Files.readString(JAVA_HOME_FILE).trim());
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read " + JAVA_HOME_FILE, e);
        }
    }

    // ---- per-server helpers ----

    /** Empties Keycloak's database, so the realm is imported afresh with this secret and lifespan. */
    private void resetData(Duration accessTokenLifespan) throws IOException {
        deleteRecursively(HOME.resolve("data"));
        Path realmFile = realmFile();
        Files.createDirectories(realmFile.getParent());

        ObjectNode realm;
        try (InputStream in = KeycloakServer.class.getResourceAsStream(REALM_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("Test resource " + REALM_RESOURCE + " is missing");
            }
            realm = (ObjectNode) Json.MAPPER.readTree(in);
        }
        realm.put("accessTokenLifespan", Math.max(1, accessTokenLifespan.toSeconds()));
        for (JsonNode client : realm.path("clients")) {
            if (CLIENT_ID.equals(client.path("clientId").asText())) {
                ((ObjectNode) client).put("secret", clientSecret);
            }
        }
        Files.writeString(realmFile, Json.write(realm));
    }

    private static Path realmFile() {
        return HOME.resolve("data/import/" + REALM + "-realm.json");
    }

    private static void deleteRealmFile() {
        try {
            Files.deleteIfExists(realmFile());
        } catch (IOException e) {
            throw new UncheckedIOException("Could not remove the imported realm file " + realmFile(), e);
        }
    }

    /** Waits until the token endpoint refuses a login without credentials: then the realm is up. */
    private void awaitTokenEndpoint() {
        HttpRequest probe = HttpRequest.newBuilder(URI.create(tokenUrl()))
                .timeout(Duration.ofSeconds(5))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"))
                .build();
        Instant deadline = Instant.now().plus(START_DEADLINE);
        while (Instant.now().isBefore(deadline)) {
            if (answers(probe)) {
                return;
            }
            try {
                // Waiting on the process doubles as the pause between probes and notices a crash at once.
                if (process.waitFor(PROBE_PAUSE.toMillis(), TimeUnit.MILLISECONDS)) {
                    int code = process.exitValue();
                    process = null;
                    throw new IllegalStateException("Keycloak exited with code " + code + " before its token "
                            + "endpoint answered at " + tokenUrl() + ": see " + log);
                }
            } catch (InterruptedException e) {
                stop();
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for Keycloak on port " + port, e);
            }
        }
        stop();
        throw new IllegalStateException("Keycloak's token endpoint " + tokenUrl() + " did not answer within "
                + START_DEADLINE.toSeconds() + " s: see " + log);
    }

    private boolean answers(HttpRequest probe) {
        try {
            int status = http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode();
            return status == 400 || status == 401;
        } catch (IOException notYet) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Signals Keycloak and anything it started; {@code kc.sh} normally replaces itself with the JVM. */
    private static void destroyTree(Process process, boolean forcibly) {
        process.descendants().forEach(child -> {
            if (forcibly) {
                child.destroyForcibly();
            } else {
                child.destroy();
            }
        });
        if (forcibly) {
            process.destroyForcibly();
        } else {
            process.destroy();
        }
    }

    private static int freeLoopbackPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static String randomSecret() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        List<Path> paths = new ArrayList<>();
        try (var walk = Files.walk(root)) {
            walk.forEach(paths::add);
        }
        for (int i = paths.size() - 1; i >= 0; i--) {
            Files.delete(paths.get(i));
        }
    }
}
