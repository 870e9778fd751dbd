package io.crmbridge.simulator;

/**
 * One request as a {@link RequestObserver} sees it: the simulator serving it, its number in the order of
 * arrival there (from 1), the HTTP method and path, and the operation it asks for.
 *
 * <p>The operation is the JSON-RPC method (such as {@code model.sale.sale.create}) once the ERP simulator
 * has read the body, and the path otherwise, so in {@link RequestObserver#arrived} it is the path.
 */
public final class ObservedRequest {

    private final String simulator;
    private final long sequence;
    private final String method;
    private final String path;
    private volatile String operation;

    ObservedRequest(String simulator, long sequence, String method, String path) {
        this.simulator = simulator;
        this.sequence = sequence;
        this.method = method;
        this.path = path;
        this.operation = path;
    }

    /** Names the simulator serving the request, {@code crm-simulator} or {@code erp-simulator}. */
    public String simulator() {
        return simulator;
    }

    /** Gives the request's number in the order of arrival at its simulator, from 1 since it started. */
    public long sequence() {
        return sequence;
    }

    /** Gives the HTTP method, such as {@code POST}. */
    public String method() {
        return method;
    }

    /** Gives the request path without the query string. */
    public String path() {
        return path;
    }

    /** Gives the JSON-RPC method of an ERP call once it is read, otherwise the path. */
    public String operation() {
        return operation;
    }

    void operation(String operation) {
        this.operation = operation;
    }

    /** Describes the request for a message, such as {@code erp-simulator #12 model.sale.sale.create}. */
    @Override
    public String toString() {
        return simulator + " #" + sequence + " " + (operation.equals(path) ? method + " " + path : operation);
    }
}
