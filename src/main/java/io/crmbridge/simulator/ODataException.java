package io.crmbridge.simulator;

/** A request the CRM simulator refuses, carrying the HTTP status for its OData error reply. */
final class ODataException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;

    ODataException(int status, String message) {
        super(message);
        this.status = status;
    }

    int status() {
        return status;
    }
}
