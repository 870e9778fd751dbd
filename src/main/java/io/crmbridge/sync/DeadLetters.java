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
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps the records that could not be synced in a file of JSON lines, one line per record, until a later pass or
 * a replay syncs them.
 *
 * <p>Changes collect in memory and reach the file on {@link #flush()}, which replaces it atomically: a crash leaves
 * the previous file or the new one. The flows flush before they save their watermark, so a record the watermark
 * has passed is always in the file.
 */
public final class DeadLetters {

    private final Path file;
    private final Clock clock;
    private Map<String, DeadLetter> letters;
    private boolean changed;

    /** Creates a store kept in {@code file}; its folder is created on the first write. */
    public DeadLetters(Path file, Clock clock) {
        this.file = file;
        this.clock = clock;
    }

    /** Records a failure of one record, counting it as one more attempt when the record failed before. */
    public synchronized DeadLetter add(String system, String entity, String recordId, String reason) {
        String key = key(system, entity, recordId);
        DeadLetter previous = letters().get(key);
        int attempts = previous == null ? 1 : previous.attempts() + 1;
        DeadLetter letter = new DeadLetter(system, entity, recordId, reason, attempts, clock.instant());
        letters.put(key, letter);
        changed = true;
        return letter;
    }

    /** Forgets a record that has now been synced; returns whether it was a dead letter. */
    public synchronized boolean remove(String system, String entity, String recordId) {
        boolean removed = letters().remove(key(system, entity, recordId)) != null;
        changed |= removed;
        return removed;
    }

    /** Returns the dead letters of one entity, oldest first. */
    public synchronized List<DeadLetter> list(String system, String entity) {
        return letters().values().stream()
                .filter(letter -> letter.system().equals(system) && letter.entity().equals(entity))
                .toList();
    }

    /** Returns how many records are dead letters. */
    public synchronized int size() {
        return letters().size();
    }

    /** Writes the changes to the file, replacing it atomically; does nothing when nothing changed. */
    public synchronized void flush() {
        if (!changed) {
            return;
        }
        StringBuilder text = new StringBuilder();
        for (DeadLetter letter : letters.values()) {
            text.append(Json.write(toJson(letter))).append('\n');
        }
        StateFiles.replace(file, text.toString(), "dead-letter file");
        changed = false;
    }

    private Map<String, DeadLetter> letters() {
        if (letters == null) {
            letters = load();
        }
        return letters;
    }

    private Map<String, DeadLetter> load() {
        Map<String, DeadLetter> loaded = new LinkedHashMap<>();
        if (!Files.exists(file)) {
            return loaded;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new BridgeException("Cannot read the dead-letter file " + file + ": " + e.getMessage(), e);
        }
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).isBlank()) {
                DeadLetter letter = parse(lines.get(i), i + 1);
                loaded.put(key(letter.system(), letter.entity(), letter.recordId()), letter);
            }
        }
        return loaded;
    }

    private DeadLetter parse(String line, int number) {
        JsonNode node = Json.tryParse(line).filter(JsonNode::isObject).orElse(null);
        List<String> missing = new ArrayList<>();
        for (String field : List.of("system", "entity", "recordId", "time")) {
            if (node == null || node.path(field).asText("").isBlank()) {
                missing.add(field);
            }
        }
        if (!missing.isEmpty()) {
            throw new BridgeException("Line " + number + " of the dead-letter file " + file + " is not a dead letter "
                    + "(no " + String.join(", ", missing) + "): fix or remove that line");
        }
        try {
            return new DeadLetter(node.get("system").asText(), node.get("entity").asText(),
                    node.get("recordId").asText(), node.path("reason").asText(""),
                    Math.max(1, node.path("attempts").asInt(1)), Instant.parse(node.get("time").asText()));
        } catch (DateTimeParseException e) {
            throw new BridgeException("Line " + number + " of the dead-letter file " + file + " has an unreadable "
                    + "time: fix or remove that line");
        }
    }

    private static ObjectNode toJson(DeadLetter letter) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("system", letter.system());
        node.put("entity", letter.entity());
        node.put("recordId", letter.recordId());
        node.put("reason", letter.reason());
        node.put("attempts", letter.attempts());
        node.put("time", letter.time().toString());
        return node;
    }

    private static String key(String system, String entity, String recordId) {
        return system + '/' + entity + '/' + recordId;
    }
}
