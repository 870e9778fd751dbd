package io.crmbridge.sync;

import io.crmbridge.BridgeException;

/**
 * A business error the ERP answered for one request (Tryton's {@code UserError}, say): the request reached the
 * ERP and was refused on its merits.
 */
public class ErpBusinessException extends BridgeException {

    /** Creates an error whose message names what was refused and why. */
    public ErpBusinessException(String message) {
        super(message);
    }
}
