package io.crmbridge.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crmbridge.BridgeException;
import io.crmbridge.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * The CRM orders whose ERP sales may exist without the bridge knowing: their create ended without an answer after
 * it may have reached the ERP, which may still be creating them. Each is kept with the time of that create in a
 * small JSON file, replaced atomically, so neither the next pass nor a restart creates a second sale while the
 * first may still appear.
 */
public final class InDoubtOrders {

    private final Path file;

    /** Creates the list kept in {@code file}; its folder is created on the first save. */
    public InDoubtOrders(Path file) {
        this.file = file;
    }

    /** Returns the orders in doubt by CRM order Id, with the time their create was sent; none without a file. */
    public Map<String, Instant> load() {
        Map<String, Instant> orders = new TreeMap<>();
        if (!Files.exists(file)) {
            return orders;
        }
        try {
            JsonNode saved = Json.tryParse(Files.readString(file, StandardCharsets.UTF_8))
                    .map(node -> node.get("orders")).filter(JsonNode::isObject)
                    .orElseThrow(() -> unreadable("holds no \"orders\" object"));
            saved.fields().forEachRemaining(entry -> orders.put(entry.getKey(), instant(entry.getValue())));
            return orders;
        } catch (IOException e) {
            throw new BridgeException("Cannot read the file of orders in doubt " + file + ": " + e.getMessage(), e);
        }
    }

    /** Saves the orders in doubt, replacing the previous file atomically. */
    public void save(Map<String, Instant> orders) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        ObjectNode saved = node.putObject("orders");
        new TreeMap<>(orders).forEach((orderId, since) -> saved.put(orderId, since.toString()));
        StateFiles.replace(file, Json.write(node), "file of orders in doubt");
    }

    private Instant instant(JsonNode value) {
        try {
            return Instant.parse(value.asText());
        } catch (DateTimeException e) {
            throw unreadable("holds a time that is not ISO-8601: '" + value.asText() + "'");
        }
    }

    private BridgeException unreadable(String problem) {
        return new BridgeException("The file of orders in doubt " + file + " " + problem + ": fix it (an \"orders\" "
                + "object of CRM order Ids and ISO-8601 times); deleted, the orders it names are no longer looked "
                + "up, so each must then be checked in the ERP for its one sale");
    }
}
