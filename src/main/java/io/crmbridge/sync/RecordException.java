package io.crmbridge.sync;

import io.crmbridge.BridgeException;

/**
 * A record that cannot be synced as it stands (a missing field, an unknown product, a bad quantity); the other
 * records go on.
 */
public class RecordException extends BridgeException {

    /** Creates an error whose message names the system and the record. */
    public RecordException(String message) {
        super(message);
    }
}
