package io.crmbridge.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a JVM's heap figures from its {@code -Xlog:gc} file. The heap only grows between collections, so the
 * largest size just before a pause is the peak, and the largest size just after one bounds the live data.
 */
final class GcLog {

    /** A pause line such as {@code GC(12) Pause Young (Normal) (G1 Evacuation Pause) 150M->20M(256M) 5.1ms}. */
    private static final Pattern PAUSE = Pattern.compile("GC\\(\\d+\\) Pause .*?(\\d+)M->(\\d+)M\\((\\d+)M\\)");

    /** Heap figures in MB, and the number of pauses they come from. */
    record Peaks(long beforeGc, long afterGc, int pauses) {
    }

    private GcLog() {
    }

    /** Gives the largest heap before and after any pause in {@code file}; zeros if the JVM never paused. */
    static Peaks peaks(Path file) throws IOException {
        List<String> lines = Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
        long before = 0;
        long after = 0;
        int pauses = 0;
        for (String line : lines) {
            Matcher pause = PAUSE.matcher(line);
            if (pause.find()) {
                before = Math.max(before, Long.parseLong(pause.group(1)));
                after = Math.max(after, Long.parseLong(pause.group(2)));
                pauses++;
            }
        }
        return new Peaks(before, after, pauses);
    }
}
