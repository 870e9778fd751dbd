package io.crmbridge.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crmbridge.BridgeException;
import io.crmbridge.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Keeps the orders watermark in a small JSON file, replaced atomically so a crash leaves the old or the new one.
 */
public final class WatermarkStore {

    private final Path file;

    /** Creates a store writing to {@code file}; its folder is created on the first save. */
    public WatermarkStore(Path file) {
        this.file = file;
    }

    /** Returns the saved watermark, or {@code initial} when none was saved yet. */
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
            return new Watermark(Instant.parse(node.path("modifiedOn").asText()), id);
        } catch (IOException e) {
            throw new BridgeException("Cannot read the orders watermark file " + file + ": " + e.getMessage(), e);
        } catch (DateTimeParseException e) {
            throw new BridgeException("The orders watermark file " + file + " has an unreadable modifiedOn: "
                    + "fix or delete it");
        }
    }

    /** Saves the watermark, replacing the previous one atomically. */
    public void save(Watermark watermark) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("modifiedOn", watermark.modifiedOn().toString());
        node.put("id", watermark.id());
        StateFiles.replace(file, Json.write(node), "orders watermark file");
    }
}
