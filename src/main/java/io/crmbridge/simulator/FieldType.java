package io.crmbridge.simulator;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/** The OData types the CRM simulator stores, with how each reads from and writes to JSON. */
enum FieldType {
    GUID, STRING, DECIMAL, INSTANT;

    /** Creatio writes date-times in UTC with exactly three fraction digits. */
    static final DateTimeFormatter MODIFIED_ON =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    /** Turns a stored value into its JSON form. */
    Object toJson(Object value) {
        if (value == null) {
            return null;
        }
        return switch (this) {
            case GUID -> value.toString();
            case INSTANT -> MODIFIED_ON.format((Instant) value);
            default -> value;
        };
    }

    /** Turns a JSON value from a PATCH body into the stored form, or explains why it cannot. */
    Object fromJson(String field, Object value) {
        if (value == null) {
            return null;
        }
        try {
            return switch (this) {
                case GUID -> UUID.fromString((String) value);
                case STRING -> (String) value;
                case DECIMAL -> value instanceof String s ? new BigDecimal(s) : decimal((Number) value);
                case INSTANT -> parseInstant((String) value).truncatedTo(ChronoUnit.MILLIS);
            };
        } catch (ClassCastException | IllegalArgumentException | DateTimeParseException e) {
            throw new ODataException(400, "The value for property '" + field + "' is not a valid "
                    + name().toLowerCase() + ".");
        }
    }

    /** Reads an ISO-8601 date-time with an offset or {@code Z}. */
    static Instant parseInstant(String text) {
        return OffsetDateTime.parse(text).toInstant();
    }

    private static BigDecimal decimal(Number number) {
        if (number instanceof BigDecimal d) {
            return d;
        }
        return new BigDecimal(number.toString());
    }
}
