package io.crmbridge.testsupport;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * A real Tryton 6.0 server on a free loopback port, backed by a private copy of a seeded SQLite database.
 *
 * <p>{@code src/test/tryton/setup-tryton.sh} builds the seeded template once under
 * {@code target/tryton-template}, and later runs in the same build directory reuse it. Each JVM gives the
 * users fresh random passwords and each server gets its own copy of the database, so tests never see each
 * other's sales. When Tryton is not installed the calling test is aborted, unless
 * {@code BRIDGE_REQUIRE_TRYTON=true} makes a missing Tryton a failure.
 */
public final class TrytonServer implements AutoCloseable {

    /** Name of the seeded database, the first path segment of every JSON-RPC URL. */
    public static final String DATABASE = "bridge";

    /** Login of the seeded integration user. */
    public static final String SYNC_LOGIN = "sync";

    /** Environment variable that turns a missing Tryton into a failure instead of a skipped test. */
    public static final String REQUIRE_ENV = "BRIDGE_REQUIRE_TRYTON";

    /** Environment variable naming a {@code trytond} to use, with {@code trytond-admin} beside it. */
    public static final String TRYTOND_BIN_ENV = "BRIDGE_TRYTOND_BIN";

    static final String NOT_INSTALLED = "Tryton is not installed: run .ci/install-tryton.sh (Debian) "
            + "or set BRIDGE_REQUIRE_TRYTON=true in CI";

    private static final Duration START_DEADLINE = Duration.ofSeconds(30);
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);
    private static final Duration TEMPLATE_DEADLINE = Duration.ofMinutes(3);
    private static final Path PROJECT_DIR = Paths.get(System.getProperty("basedir", "")).toAbsolutePath();
    private static final Path SCRIPTS_DIR = PROJECT_DIR.resolve("src/test/tryton");
    private static final Path TEMPLATE_DIR = PROJECT_DIR.resolve("target/tryton-template");
    private static final Path SERVERS_DIR = PROJECT_DIR.resolve("target/tryton-servers");
    private static final String COMPLETE_MARKER = ".complete";
    private static final String SQLITE_FILE = DATABASE + ".sqlite";

    private static JvmDatabase jvmDatabase;

    private final Process process;
    private final Thread shutdownHook;
    private final Path directory;
    private final int port;
    private final String password;

    private TrytonServer(Process process, Path directory, int port, String password) {
        this.process = process;
        this.directory = directory;
        this.port = port;
        this.password = password;
        this.shutdownHook = new Thread(process::destroyForcibly, "tryton-server-" + port + "-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * Starts a server whose sessions expire {@code sessionMaxAge} after login, or aborts the calling test
     * when Tryton is not installed.
     */
    public static TrytonServer start(Duration sessionMaxAge) {
        Path binDir = locateTryton(System.getenv());
        JvmDatabase seeded = jvmDatabase(binDir);
        long maxAgeSeconds = Math.max(1, sessionMaxAge.toSeconds());

        try {
            Files.createDirectories(SERVERS_DIR);
            Path dir = Files.createTempDirectory(SERVERS_DIR, "server-");
            Files.createDirectories(dir.resolve("db"));
            Files.copy(seeded.sqliteFile(), dir.resolve("db").resolve(SQLITE_FILE));
            int port = freeLoopbackPort();
            Path config = writeConfig(dir, port, maxAgeSeconds);

            Path log = dir.resolve("trytond.log");
            String trytond = binDir.resolve("trytond").toString();
            Process process = new ProcessBuilder(trytond, "-c", config.toString())
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            TrytonServer server = new TrytonServer(process, dir, port, seeded.syncPassword());
            server.awaitPort(log);
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("Tryton test server could not be started under " + SERVERS_DIR, e);
        }
    }

    /** JSON-RPC endpoint of the seeded database, ending with a slash. */
    public String url() {
        return "http://127.0.0.1:" + port + "/" + DATABASE + "/";
    }

    /** Name of the seeded database. */
    public String database() {
        return DATABASE;
    }

    /** Login of the user the bridge signs in as. */
    public String login() {
        return SYNC_LOGIN;
    }

    /** Password of {@link #login()}, random per JVM; never log it. */
    public String password() {
        return password;
    }

    /** Loopback port the server listens on. */
    public int port() {
        return port;
    }

    /** Directory holding this server's config, database copy and {@code trytond.log}. */
    public Path directory() {
        return directory;
    }

    /** Stops the server, forcibly if it does not exit within a few seconds. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // The hook is running or has run; the process is being killed either way.
            }
        }
    }

    /**
     * Returns the directory holding {@code trytond} and {@code trytond-admin}, aborting the test (or failing,
     * when {@code BRIDGE_REQUIRE_TRYTON=true}) if they cannot be found.
     */
    static Path locateTryton(Map<String, String> env) {
        Optional<Path> binDir = findBinDir(env);
        if (binDir.isPresent()) {
            return binDir.get();
        }
        if ("true".equalsIgnoreCase(env.getOrDefault(REQUIRE_ENV, "").trim())) {
            throw new IllegalStateException("Tryton is not installed but " + REQUIRE_ENV + "=true: "
                    + "trytond and trytond-admin were not found " + searchedWhere(env)
                    + "; run .ci/install-tryton.sh first");
        }
        Assumptions.abort(NOT_INSTALLED);
        throw new AssertionError("unreachable: Assumptions.abort always throws");
    }

    private static Optional<Path> findBinDir(Map<String, String> env) {
        String override = env.get(TRYTOND_BIN_ENV);
        if (override != null && !override.isBlank()) {
            Path trytond = Paths.get(override).toAbsolutePath();
            return Optional.ofNullable(trytond.getParent()).filter(TrytonServer::hasTrytonTools);
        }
        for (String entry : env.getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!entry.isEmpty() && hasTrytonTools(Paths.get(entry))) {
                return Optional.of(Paths.get(entry).toAbsolutePath());
            }
        }
        return Optional.empty();
    }

    private static boolean hasTrytonTools(Path dir) {
        return Files.isExecutable(dir.resolve("trytond")) && Files.isExecutable(dir.resolve("trytond-admin"));
    }

    private static String searchedWhere(Map<String, String> env) {
        String override = env.get(TRYTOND_BIN_ENV);
        if (override != null && !override.isBlank()) {
            return "next to " + TRYTOND_BIN_ENV + "=" + override;
        }
        return "on PATH";
    }

    // ---- seeded database, once per JVM ----

    private record JvmDatabase(Path sqliteFile, String syncPassword) {
        @Override
        public String toString() {
            return "JvmDatabase[" + sqliteFile + "]";
        }
    }

    private static synchronized JvmDatabase jvmDatabase(Path binDir) {
        if (jvmDatabase == null) {
            jvmDatabase = prepareJvmDatabase(binDir);
        }
        return jvmDatabase;
    }

    private static JvmDatabase prepareJvmDatabase(Path binDir) {
        String adminPassword = randomPassword();
        String syncPassword = randomPassword();
        Map<String, String> secrets = Map.of(
                "TRYTON_ADMIN_PASSWORD", adminPassword,
                "TRYTON_SYNC_PASSWORD", syncPassword);
        try {
            Files.createDirectories(SERVERS_DIR);
            if (Files.exists(TEMPLATE_DIR.resolve(COMPLETE_MARKER))) {
                return reuseTemplate(binDir, secrets, syncPassword);
            }
            buildTemplate(binDir, secrets);
            return new JvmDatabase(TEMPLATE_DIR.resolve("db").resolve(SQLITE_FILE), syncPassword);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "Tryton template database could not be prepared in " + TEMPLATE_DIR, e);
        }
    }

    private static void buildTemplate(Path binDir, Map<String, String> secrets) throws IOException {
        deleteRecursively(TEMPLATE_DIR);
        Path log = PROJECT_DIR.resolve("target/tryton-template-build.log");
        List<String> command = List.of("bash", SCRIPTS_DIR.resolve("setup-tryton.sh").toString(),
                TEMPLATE_DIR.toString(), "0", "60");
        run(command, binDir, secrets, log, "building the seeded Tryton template database");
        Files.writeString(TEMPLATE_DIR.resolve(COMPLETE_MARKER), Instant.now() + "\n");
    }

    private static JvmDatabase reuseTemplate(Path binDir, Map<String, String> secrets, String syncPassword)
            throws IOException {
        // The template keeps the passwords of the run that built it; this JVM's copy gets its own.
        Path dir = Files.createTempDirectory(SERVERS_DIR, "jvm-");
        Files.createDirectories(dir.resolve("db"));
        Path sqlite = dir.resolve("db").resolve(SQLITE_FILE);
        Files.copy(TEMPLATE_DIR.resolve("db").resolve(SQLITE_FILE), sqlite,
                StandardCopyOption.REPLACE_EXISTING);
        Path config = writeConfig(dir, 0, 60);
        List<String> command = List.of("/usr/bin/python3", SCRIPTS_DIR.resolve("set-passwords.py").toString(),
                DATABASE, config.toString());
        run(command, binDir, secrets, dir.resolve("set-passwords.log"),
                "setting passwords on the Tryton template");
        return new JvmDatabase(sqlite, syncPassword);
    }

    private static void run(List<String> command, Path binDir, Map<String, String> secrets, Path log,
            String what) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(PROJECT_DIR.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(secrets);
        builder.environment().merge("PATH", binDir.toString(),
                (path, bin) -> bin + File.pathSeparator + path);
        Process process = builder.start();
        try {
            if (!process.waitFor(TEMPLATE_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("Tryton setup timed out after "
                        + TEMPLATE_DEADLINE.toSeconds() + " s while " + what + ": see " + log);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while " + what, e);
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException("Tryton setup failed with exit code " + process.exitValue()
                    + " while " + what + ": see " + log + " and setup.log next to the database");
        }
    }

    // ---- per-server helpers ----

    private static Path writeConfig(Path dir, int port, long maxAgeSeconds) throws IOException {
        String config = "[web]\n"
                + "listen = 127.0.0.1:" + port + "\n\n"
                + "[database]\n"
                + "uri = sqlite://\n"
                + "path = " + dir.resolve("db") + "\n\n"
                + "[session]\n"
                + "max_age = " + maxAgeSeconds + "\n";
        return Files.writeString(dir.resolve("trytond.conf"), config, StandardCharsets.UTF_8);
    }

    private void awaitPort(Path log) {
        Instant deadline = Instant.now().plus(START_DEADLINE);
        while (Instant.now().isBefore(deadline)) {
            if (acceptsConnections()) {
                return;
            }
            try {
                // Waiting on the process doubles as a pause between probes and notices a crash at once.
                if (process.waitFor(100, TimeUnit.MILLISECONDS)) {
                    throw new IllegalStateException("Tryton server exited with code " + process.exitValue()
                            + " before listening on 127.0.0.1:" + port + ": see " + log);
                }
            } catch (InterruptedException e) {
                close();
                Thread.currentThread().interrupt();
                throw new IllegalStateException(
                        "Interrupted while waiting for the Tryton server on port " + port, e);
            }
        }
        close();
        throw new IllegalStateException("Tryton server did not listen on 127.0.0.1:" + port + " within "
                + START_DEADLINE.toSeconds() + " s: see " + log);
    }

    private boolean acceptsConnections() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    private static int freeLoopbackPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /**
     * Returns 24 distinct random letters and digits: Tryton refuses passwords in which characters repeat too
     * often ({@code [password] entropy}), so no character may appear twice.
     */
    private static String randomPassword() {
        List<Character> alphabet = new ArrayList<>();
        for (char c : "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789".toCharArray()) {
            alphabet.add(c);
        }
        Collections.shuffle(alphabet, new SecureRandom());
        StringBuilder password = new StringBuilder();
        alphabet.subList(0, 24).forEach(password::append);
        return password.toString();
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
