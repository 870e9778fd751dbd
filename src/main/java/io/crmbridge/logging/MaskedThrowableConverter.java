package io.crmbridge.logging;

import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.IThrowableProxy;

/**
 * Logback's {@code %ex} with every secret masked in the messages and stack traces of an error and its causes;
 * logback.xml binds it to {@code ex}, {@code exception} and {@code throwable}.
 */
public final class MaskedThrowableConverter extends ThrowableProxyConverter {

    @Override
    protected String throwableProxyToString(IThrowableProxy error) {
        return LogSecrets.mask(super.throwableProxyToString(error));
    }
}
