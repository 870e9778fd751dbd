package io.crmbridge.simulator;

/**
 * Watches the requests a simulator serves, so a test can act at an exact point of a conversation: stop
 * the client when the N-th request arrives, let the simulator act on a request late, or act and lose its answer.
 *
 * <p>Its methods run on the worker thread serving the request, outside the simulator's locks, and may
 * block it while the other workers go on serving. A simulator takes one through {@code observeRequests}.
 */
public interface RequestObserver {

    /**
     * Called when a request arrives, before the simulator reads or acts on it; false closes the
     * connection unanswered and leaves the simulator untouched, as if the request never arrived.
     */
    default boolean arrived(ObservedRequest request) {
        return true;
    }

    /**
     * Called once the simulator knows what a request asks for (its {@link ObservedRequest#operation operation}),
     * before it acts on it: blocking here makes the simulator act late, as a busy system does.
     */
    default void named(ObservedRequest request) {
    }

    /**
     * Called once the simulator has acted on a request, just before the answer with {@code status} is
     * written; false closes the connection instead, so the change stays made but the client never learns
     * of it.
     */
    default boolean answering(ObservedRequest request, int status) {
        return true;
    }
}
