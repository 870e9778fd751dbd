package io.crmbridge.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crmbridge.BridgeException;
import io.crmbridge.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

/**
 * Keeps the keys of the one-sided products already reported in a small JSON file, replaced atomically so a
 * crash leaves the old or the new one, and a restart does not report them again.
 */
public final class OneSidedStore {

    private final Path file;

    /** Creates a store writing to {@code file}; its folder is created on the first save. */
    public OneSidedStore(Path file) {
        this.file = file;
    }

    /** Returns the keys reported so far, none when nothing was saved yet. */
    public Set<String> load() {
        Set<String> keys = new TreeSet<>();
        if (!Files.exists(file)) {
            return keys;
        }
        try {
            JsonNode reported = Json.tryParse(Files.readString(file, StandardCharsets.UTF_8))
                    .map(node -> node.get("reported")).filter(JsonNode::isArray)
                    .orElseThrow(() -> new BridgeException("The one-sided products file " + file
                            + " holds no \"reported\" list: fix or delete it"));
            reported.forEach(key -> keys.add(key.asText()));
            return keys;
        } catch (IOException e) {
            throw new BridgeException("Cannot read the one-sided products file " + file + ": " + e.getMessage(),
                    e);
        }
    }

    /** Saves the keys, sorted, replacing the previous file atomically. */
    public void save(Set<String> keys) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        ArrayNode reported = node.putArray("reported");
        new TreeSet<>(keys).forEach(reported::add);
        StateFiles.replace(file, Json.write(node), "one-sided products file");
    }
}
