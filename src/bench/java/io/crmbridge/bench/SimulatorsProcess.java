package io.crmbridge.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A running {@link BenchSimulators} process, spoken to through its line protocol. */
final class SimulatorsProcess implements AutoCloseable {

    private final Process process;
    private final BufferedReader replies;
    private final Writer commands;
    private final Map<String, String> settings = new LinkedHashMap<>();

    private SimulatorsProcess(Process process) {
        this.process = process;
        this.replies = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    }

    /**
     * Runs {@code command} with the two secrets in its environment, its log in {@code log}, and waits until the
     * simulators are ready.
     */
    static SimulatorsProcess start(List<String> command, String clientSecret, String erpPassword, Path log)
            throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(log.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("BRIDGE_"));
        builder.environment().put("BRIDGE_CRM_AUTH_CLIENT_SECRET", clientSecret);
        builder.environment().put("BRIDGE_ERP_AUTH_PASSWORD", erpPassword);
        SimulatorsProcess simulators = new SimulatorsProcess(builder.start());
        try {
            simulators.awaitReady(log);
            return simulators;
        } catch (IOException | RuntimeException e) {
            simulators.close();
            throw e;
        }
    }

    /** Gives the bridge settings, without secrets, that point at these simulators. */
    Map<String, String> settings() {
        return settings;
    }

    /** Asks the simulators to compare the ERP sales with the CRM orders, and gives their one-line answer. */
    String check() throws IOException {
        commands.write("check\n");
        commands.flush();
        String reply = replies.readLine();
        if (reply == null) {
            throw new IllegalStateException("The benchmark simulators stopped instead of answering 'check'");
        }
        return reply;
    }

    /** Ends the simulators' standard input, which stops them, and waits a minute at most. */
    @Override
    public void close() {
        try {
            commands.close();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private void awaitReady(Path log) throws IOException {
        for (String line = replies.readLine(); line != null; line = replies.readLine()) {
            if (line.equals("ready")) {
                return;
            }
            if (line.startsWith("setting ")) {
                String[] pair = line.substring("setting ".length()).split("=", 2);
                settings.put(pair[0], pair[1]);
            }
        }
        throw new IllegalStateException("The benchmark simulators stopped before they were ready; see " + log);
    }
}
