package io.crmbridge.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crmbridge.BridgeException;
import io.crmbridge.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Keeps the orders watermark in a small JSON file, replaced atomically so a crash leaves the old or the new one.
 *
 * <p>A watermark later than the bridge's clock allows is refused, not trusted: every CRM order modified before it
 * would be passed over without a word, pass after pass.
 */
public final class WatermarkStore {

    /**
     * How far a saved watermark may lie ahead of the bridge's clock unless {@code bridge.orders.clock-skew} says
     * otherwise: the CRM stamps {@code ModifiedOn} by its own clock, which may run a little ahead of the bridge
     * host's.
     */
    public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofMinutes(5);

    private final Path file;
    private final Clock clock;
    private final Duration clockSkew;

    /**
     * Creates a store writing to {@code file}, whose folder is created on the first save; a watermark more than
     * {@code clockSkew} later than {@code clock}'s now is refused.
     */
    public WatermarkStore(Path file, Clock clock, Duration clockSkew) {
        this.file = file;
        this.clock = clock;
        this.clockSkew = clockSkew;
    }

    /**
     * Returns the saved watermark, or {@code initial} when none was saved yet; fails, leaving the file as it is,
     * when the saved one is unreadable or lies further ahead of the clock than the CRM's clock may run.
     */
    public Watermark load(Watermark initial) {
        if (!Files.exists(file)) {
            return initial;
        }
        try {
            JsonNode node = Json.tryParse(Files.readString(file, StandardCharsets.UTF_8)).orElseThrow(() ->
                    new BridgeException("The orders watermark file " + file + " holds no JSON: fix or delete it"));
            String id = node.path("id").asText("");
            if (!id.isEmpty() && !CrmClient.isKey(id)) {
                throw new BridgeException("The orders watermark file " + file + " has an id that is not a CRM "
                        + "order Id (a GUID): fix or delete it");
            }
            return notInTheFuture(new Watermark(Instant.parse(node.path("modifiedOn").asText()), id));
        } catch (IOException e) {
            throw new BridgeException("Cannot read the orders watermark file " + file + ": " + e.getMessage(), e);
        } catch (DateTimeParseException e) {
            throw new BridgeException("The orders watermark file " + file + " has an unreadable modifiedOn: "
                    + "fix or delete it");
        }
    }

    private Watermark notInTheFuture(Watermark saved) {
        Instant now = clock.instant();
        if (Duration.between(now, saved.modifiedOn()).compareTo(clockSkew) > 0) {
            throw new BridgeException("The orders watermark file " + file + " holds modifiedOn "
                    + saved.modifiedOn() + ", more than " + clockSkew.toSeconds() + " s after the bridge's clock ("
                    + now + "), so CRM orders modified until then would be skipped: edit modifiedOn in the file back "
                    + "to the ModifiedOn of the last CRM order synced or earlier, or delete the file to read the "
                    + "orders again from bridge.orders.start-from (no order is created twice); if the CRM's clock "
                    + "runs that far ahead of the bridge's, raise bridge.orders.clock-skew");
        }
        return saved;
    }

    /** Saves the watermark, replacing the previous one atomically. */
    public void save(Watermark watermark) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("modifiedOn", watermark.modifiedOn().toString());
        node.put("id", watermark.id());
        StateFiles.replace(file, Json.write(node), "orders watermark file");
    }
}
