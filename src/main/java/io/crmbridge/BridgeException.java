package io.crmbridge;

/**
 * An error the bridge explains in one sentence naming the system and, where there is one, the record.
 *
 * <p>Messages never carry a token, a session id, a cookie value or a secret.
 */
public class BridgeException extends RuntimeException {

    /** Creates an error with a message meant for the operator. */
    public BridgeException(String message) {
        super(message);
    }

    /** Creates an error with a message meant for the operator and the cause it explains. */
    public BridgeException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Returns the message of any error for a log line, or its type where it has no message. */
    public static String describe(Throwable error) {
        String message = error.getMessage();
        return message == null || message.isBlank() ? error.getClass().getName() : message;
    }
}
