package io.crmbridge.simulator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The HTTP server, worker pool and optional activity thread behind one simulator. */
final class LoopbackServer {

    private static final Logger LOG = LoggerFactory.getLogger(LoopbackServer.class);

    private static final int WORKERS = 4;
    /**
     * The observation of the request a worker thread is serving, which it serves from start to end. Not an
     * exchange attribute: Java 17's HTTP server keeps those in the context, shared by every request at once.
     */
    private static final ThreadLocal<Observation> OBSERVATION = new ThreadLocal<>();

    static {
        // The JDK server writes headers and body apart; with Nagle on, each reply waits about 40 ms for the
        // client's delayed ACK. The property is read once, when the JDK server classes load.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final String name;
    private final int port;
    private HttpServer server;
    private ExecutorService workers;
    private ScheduledExecutorService activity;
    private final AtomicLong requests = new AtomicLong();
    private volatile RequestObserver observer;

    LoopbackServer(String name, int port) {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException(name + " port must be 0..65535, got " + port);
        }
        this.name = name;
        this.port = port;
    }

    /** Binds 127.0.0.1 and starts serving with {@code handler}. */
    synchronized void start(HttpHandler handler) {
        if (server != null) {
            throw new IllegalStateException(name + " is already started at " + baseUrl());
        }
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(name + " could not bind 127.0.0.1:" + port, e);
        }
        workers = Executors.newFixedThreadPool(WORKERS, HttpSupport.daemonThreads(name + "-http"));
        server.setExecutor(workers);
        server.createContext("/", exchange -> serve(handler, exchange));
        server.start();
    }

    /** Sets the observer told about every request from now on; null removes it. */
    void observe(RequestObserver observer) {
        this.observer = observer;
    }

    /** Names the operation a request asks for, such as a JSON-RPC method, and tells the observer. */
    static void operation(String operation) {
        Observation observation = OBSERVATION.get();
        if (observation != null) {
            observation.request.operation(operation);
            observation.observer.named(observation.request);
        }
    }

    /**
     * Tells whether the answer with {@code status} may be written: false when the observer chose to drop
     * the connection instead. The observer is asked once per request, so if it throws, the simulator's
     * error answer is sent.
     */
    static boolean mayAnswer(int status) {
        Observation observation = OBSERVATION.get();
        return observation == null || !observation.asked.compareAndSet(false, true)
                || observation.observer.answering(observation.request, status);
    }

    private void serve(HttpHandler handler, HttpExchange exchange) throws IOException {
        long sequence = requests.incrementAndGet();
        RequestObserver current = observer;
        if (current != null) {
            ObservedRequest request = new ObservedRequest(name, sequence, exchange.getRequestMethod(),
                    exchange.getRequestURI().getPath());
            if (!current.arrived(request)) {
                // Closed before any answer, the JDK server drops the connection: the client reads no reply.
                exchange.close();
                return;
            }
            OBSERVATION.set(new Observation(current, request));
        }
        try {
            handler.handle(exchange);
        } finally {
            OBSERVATION.remove();
        }
    }

    /** Gives the root URL, such as {@code http://127.0.0.1:41234}. */
    synchronized String baseUrl() {
        if (server == null) {
            throw new IllegalStateException(name + " is not started");
        }
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Runs {@code task} every {@code every} on a daemon thread until closed. */
    synchronized void every(Duration every, Runnable task) {
        if (every.isNegative() || every.isZero()) {
            throw new IllegalArgumentException(name + " activity period must be positive, got " + every);
        }
        if (activity != null) {
            throw new IllegalStateException(name + " activity is already running");
        }
        activity = Executors.newSingleThreadScheduledExecutor(HttpSupport.daemonThreads(name + "-activity"));
        long millis = every.toMillis();
        activity.scheduleAtFixedRate(() -> {
            // A scheduled task that throws is never run again, so one bad tick must not end the demo.
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.warn("{} activity tick failed; the demo skips this change", name, e);
            }
        }, millis, millis, TimeUnit.MILLISECONDS);
    }

    /** Stops serving and stops the activity thread. */
    synchronized void close() {
        if (activity != null) {
            activity.shutdownNow();
            activity = null;
        }
        if (server != null) {
            server.stop(0);
            workers.shutdownNow();
            server = null;
            workers = null;
        }
    }

    /** The observer and request of one exchange, with whether the observer was asked about its answer. */
    private record Observation(RequestObserver observer, ObservedRequest request, AtomicBoolean asked) {

        Observation(RequestObserver observer, ObservedRequest request) {
            this(observer, request, new AtomicBoolean());
        }
    }
}
