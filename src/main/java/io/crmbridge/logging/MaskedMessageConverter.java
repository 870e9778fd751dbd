package io.crmbridge.logging;

import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * Logback's {@code %msg} with every secret masked; logback.xml binds it to {@code msg}, {@code m} and
 * {@code message}.
 */
public final class MaskedMessageConverter extends MessageConverter {

    @Override
    public String convert(ILoggingEvent event) {
        return LogSecrets.mask(event.getFormattedMessage());
    }
}
