package io.crmbridge.simulator;

/**
 * What both simulators share: an HTTP server on 127.0.0.1, and the means a test has to break it on purpose
 * (canned failures, an observer that can drop a connection at an exact request).
 */
public abstract class Simulator implements AutoCloseable {

    final LoopbackServer server;
    final FailurePlan failures = new FailurePlan();

    Simulator(String name, int port) {
        this.server = new LoopbackServer(name, port);
    }

    /** Gives the root URL, such as {@code http://127.0.0.1:41234}. */
    public String baseUrl() {
        return server.baseUrl();
    }

    /** Stops the server and the activity thread. */
    @Override
    public void close() {
        server.close();
    }

    /** Makes the next {@code n} requests of the system's API answer with the given status, content type and body. */
    public void failNextRequests(int n, int status, String contentType, String body) {
        failures.arm(n, status, contentType, body);
    }

    /**
     * Tells {@code observer} about every request from now on, so a test can act at an exact one; null removes it.
     */
    public void observeRequests(RequestObserver observer) {
        server.observe(observer);
    }
}
