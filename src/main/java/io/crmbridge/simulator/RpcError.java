package io.crmbridge.simulator;

import java.util.List;

/** A Tryton UserError: answered with HTTP 200 and {@code ["UserError", [message, description]]}. */
final class RpcError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String description;

    RpcError(String message) {
        this(message, "");
    }

    RpcError(String message, String description) {
        super(message);
        this.description = description;
    }

    /** Gives the error member of a JSON-RPC reply in Tryton's shape. */
    List<Object> toJson() {
        return List.of("UserError", List.of(getMessage(), description));
    }
}
