package io.crmbridge.bench;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Says where a Flight Recorder recording's samples fall: CPU samples by the method on top of the stack, by the
 * library that method belongs to, and by the nearest bridge method below it; and how many samples found a thread
 * waiting in native code (a socket read, mostly) instead.
 */
final class JfrSummary {

    private static final int TOP = 20;

    /** Libraries by package prefix, most specific first. */
    private static final List<String[]> LIBRARIES = List.of(
            new String[] {"io.crmbridge.", "bridge code"},
            new String[] {"org.apache.camel.", "Camel"},
            new String[] {"com.fasterxml.jackson.", "Jackson"},
            new String[] {"org.apache.hc.", "Apache HttpClient"},
            new String[] {"ch.qos.logback.", "logging"},
            new String[] {"org.slf4j.", "logging"},
            new String[] {"com.github.benmanes.caffeine.", "Caffeine"},
            new String[] {"java.util.regex.", "JDK regex"},
            new String[] {"sun.nio.", "JDK network and I/O"},
            new String[] {"java.net.", "JDK network and I/O"},
            new String[] {"java.io.", "JDK network and I/O"},
            new String[] {"sun.security.", "JDK crypto"},
            new String[] {"java.", "JDK other"},
            new String[] {"jdk.", "JDK other"},
            new String[] {"sun.", "JDK other"});

    private JfrSummary() {
    }

    /** Reads {@code recording} and gives the summary as text. */
    static String of(Path recording) throws IOException {
        Map<String, Integer> topMethods = new HashMap<>();
        Map<String, Integer> libraries = new HashMap<>();
        Map<String, Integer> bridgeCallers = new HashMap<>();
        Map<String, Integer> waiting = new HashMap<>();
        int cpuSamples = 0;
        int nativeSamples = 0;
        try (RecordingFile file = new RecordingFile(recording)) {
            while (file.hasMoreEvents()) {
                RecordedEvent event = file.readEvent();
                RecordedStackTrace stack = event.getStackTrace();
                if (stack == null || stack.getFrames().isEmpty()) {
                    continue;
                }
                String type = event.getEventType().getName();
                if (type.equals("jdk.ExecutionSample")) {
                    cpuSamples++;
                    String top = method(stack.getFrames().get(0));
                    topMethods.merge(top, 1, Integer::sum);
                    libraries.merge(library(top), 1, Integer::sum);
                    bridgeCallers.merge(nearestBridgeMethod(stack), 1, Integer::sum);
                } else if (type.equals("jdk.NativeMethodSample")) {
                    nativeSamples++;
                    waiting.merge(nearestBridgeMethod(stack), 1, Integer::sum);
                }
            }
        }
        StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "%s: %d CPU samples (jdk.ExecutionSample), "
                + "%d samples of threads in native code (jdk.NativeMethodSample)%n", recording.getFileName(),
                cpuSamples, nativeSamples));
        section(text, "CPU samples by library of the top frame", libraries, cpuSamples);
        section(text, "CPU samples by top frame", topMethods, cpuSamples);
        section(text, "CPU samples by nearest bridge method on the stack", bridgeCallers, cpuSamples);
        section(text, "Native-code samples by nearest bridge method on the stack", waiting, nativeSamples);
        return text.toString();
    }

    private static void section(StringBuilder text, String title, Map<String, Integer> counts, int total) {
        text.append('\n').append(title).append(":\n");
        counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(TOP)
                .forEach(entry -> text.append(String.format(Locale.ROOT, "%6d %5.1f %%  %s%n", entry.getValue(),
                        100.0 * entry.getValue() / Math.max(1, total), entry.getKey())));
    }

    private static String nearestBridgeMethod(RecordedStackTrace stack) {
        for (RecordedFrame frame : stack.getFrames()) {
            String method = method(frame);
            if (method.startsWith("io.crmbridge.")) {
                return method;
            }
        }
        return "(no bridge method on the stack)";
    }

    private static String library(String method) {
        for (String[] library : LIBRARIES) {
            if (method.startsWith(library[0])) {
                return library[1];
            }
        }
        return "other";
    }

    private static String method(RecordedFrame frame) {
        return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
    }
}
