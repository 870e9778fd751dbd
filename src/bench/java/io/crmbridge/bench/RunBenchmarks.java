package io.crmbridge.bench;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Runs the JMH benchmarks of {@link TokenCacheBenchmark} in rounds, then prints and saves the figures
 * BENCHMARKS.md reports: each benchmark's score per round, the ratios the goals are about, and the logins.
 *
 * <p>A round runs every benchmark once, in a fork of its own, the benchmarks of each comparison one after the
 * other, the one the others are measured against in the middle, and in turns: the order of one round is reversed
 * in the next. The machine's speed drifts over minutes, so a ratio is taken within each round, of forks that ran
 * close together, and the rounds' median is reported with its lowest and highest value. {@code bench.rounds} sets
 * the number of rounds (default 5); JMH options on the command line apply to every fork, and benchmark names there
 * pick the comparisons to run.
 */
public final class RunBenchmarks {

    /** The comparisons: benchmarks whose ratios are taken, each against every one after it in its group. */
    private static final List<List<String>> GROUPS = List.of(
            List.of("callThroughAuth", "callThroughHeldCredential", "callThroughCamelHttpOAuth2"),
            List.of("callThroughAuthAt8Threads", "callThroughHeldCredentialAt8Threads",
                    "callThroughCamelHttpOAuth2At8Threads"),
            List.of("authHit", "plainHop"));

    private RunBenchmarks() {
    }

    /** Runs the benchmarks selected by JMH command-line {@code args} and writes the summary next to the logins. */
    public static void main(String[] args) throws Exception {
        CommandLineOptions options = new CommandLineOptions(args);
        if (options.shouldHelp() || options.shouldList() || options.shouldListWithParams()
                || options.shouldListProfilers() || options.shouldListResultFormats()) {
            org.openjdk.jmh.Main.main(args);
            return;
        }
        int rounds = Integer.getInteger("bench.rounds", 5);
        Path logins = Path.of(System.getProperty(TokenCacheBenchmark.LOGINS_FILE, "target/bench-logins.txt"));
        System.setProperty(TokenCacheBenchmark.LOGINS_FILE, logins.toString());
        Files.deleteIfExists(logins);
        Path results = logins.resolveSibling("jmh");
        Files.createDirectories(results);

        List<List<String>> groups = selected(options.getIncludes());
        Map<String, List<Double>> scores = new LinkedHashMap<>();
        Map<String, Integer> threads = new HashMap<>();
        for (int round = 1; round <= rounds; round++) {
            for (List<String> group : groups) {
                // What the others are measured against runs second, next to the first and the third
                List<String> order = new ArrayList<>(group.subList(0, group.size() - 1));
                order.add(1, group.get(group.size() - 1));
                if (round % 2 == 0) {
                    Collections.reverse(order);
                }
                for (String benchmark : order) {
                    for (RunResult run : new Runner(oneFork(options, benchmark, results.resolve("round-" + round
                            + "-" + benchmark + ".json"))).run()) {
                        String name = shortName(run.getParams().getBenchmark());
                        scores.computeIfAbsent(name, key -> new ArrayList<>()).add(run.getPrimaryResult().getScore());
                        threads.put(name, run.getParams().getThreads());
                    }
                }
            }
        }

        List<String> loginLines = Files.exists(logins) ? Files.readAllLines(logins) : List.of();
        String summary = summary(rounds, groups, scores, threads, loginLines);
        Path summaryFile = logins.resolveSibling("bench-summary.md");
        Files.writeString(summaryFile, summary);
        System.out.println();
        System.out.print(summary);
        System.out.println("(also in " + summaryFile + ", each fork's JMH result in " + results + ")");
    }

    /**
     * The command line's options for one fork of one benchmark. Its include patterns stay (JMH adds to them), so
     * every other benchmark is excluded by name.
     */
    private static Options oneFork(CommandLineOptions options, String benchmark, Path result) {
        OptionsBuilder fork = new OptionsBuilder();
        fork.parent(options);
        fork.include(TokenCacheBenchmark.class.getName() + "\\." + benchmark + "$");
        GROUPS.stream().flatMap(List::stream).filter(other -> !other.equals(benchmark))
                .forEach(other -> fork.exclude(TokenCacheBenchmark.class.getName() + "\\." + other + "$"));
        return fork.forks(1).result(result.toString()).resultFormat(ResultFormatType.JSON).build();
    }

    /** The comparisons to run: all, or those with a benchmark named by an include pattern of the command line. */
    private static List<List<String>> selected(List<String> includes) {
        return GROUPS.stream().filter(group -> includes.isEmpty() || group.stream().anyMatch(name -> includes.stream()
                .anyMatch(include -> Pattern.compile(include).matcher(TokenCacheBenchmark.class.getName() + "."
                        + name).find()))).toList();
    }

    private static String summary(int rounds, List<List<String>> groups, Map<String, List<Double>> scores,
                                  Map<String, Integer> threads, List<String> loginLines) {
        Map<String, Integer> logins = new HashMap<>();
        for (String line : loginLines) {
            String[] parts = line.trim().split(" ");
            logins.merge(parts[0], Integer.parseInt(parts[2]), Integer::sum);
        }
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
                "%d rounds; µs/op of each round's fork, median first; logins summed over the rounds%n%n", rounds));
        out.append("| benchmark | threads | median µs/op | each round µs/op | logins |\n|---|---:|---:|---|---:|\n");
        scores.forEach((name, each) -> out.append(String.format(Locale.ROOT, "| %s | %d | %.2f | %s | %s |%n",
                name, threads.get(name), median(each), join(each, "%.2f"),
                logins.containsKey(name) ? logins.get(name).toString() : "?")));

        out.append('\n');
        for (List<String> group : groups) {
            // Each against the last of the group first, then against one another
            List<String> others = group.subList(0, group.size() - 1);
            others.forEach(top -> out.append(ratioLine(top, group.get(group.size() - 1), scores)));
            for (int top = 0; top < others.size(); top++) {
                for (int bottom = top + 1; bottom < others.size(); bottom++) {
                    out.append(ratioLine(others.get(top), others.get(bottom), scores));
                }
            }
        }
        List<Double> calls = scores.get("callThroughCamelHttpOAuth2");
        if (calls != null && scores.containsKey("authHit") && scores.containsKey("plainHop")) {
            List<Double> hit = ratios(scores.get("authHit"), calls);
            List<Double> net = new ArrayList<>();
            for (int i = 0; i < calls.size(); i++) {
                net.add((scores.get("authHit").get(i) - scores.get("plainHop").get(i)) / calls.get(i));
            }
            out.append(String.format(Locale.ROOT, "- authHit / callThroughCamelHttpOAuth2, 1 thread: hit path with "
                    + "the hop (goal < 0.05): median %.4f, highest %.4f%n", median(hit), Collections.max(hit)));
            out.append(String.format(Locale.ROOT, "- (authHit - plainHop) / callThroughCamelHttpOAuth2, 1 thread: "
                    + "hit path alone (goal < 0.05): median %.4f, highest %.4f%n", median(net), Collections.max(net)));
        }
        return out.toString();
    }

    private static String ratioLine(String top, String bottom, Map<String, List<Double>> scores) {
        List<Double> ratios = ratios(scores.get(top), scores.get(bottom));
        String goal = top.startsWith("callThroughAuth") && bottom.startsWith("callThroughCamelHttpOAuth2")
                ? " (goal <= 1.05)" : "";
        return String.format(Locale.ROOT, "- %s / %s%s: median %.3f, lowest %.3f, highest %.3f; rounds: %s%n",
                top, bottom, goal, median(ratios), Collections.min(ratios), Collections.max(ratios),
                join(ratios, "%.3f"));
    }

    private static List<Double> ratios(List<Double> top, List<Double> bottom) {
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < Math.min(top.size(), bottom.size()); i++) {
            ratios.add(top.get(i) / bottom.get(i));
        }
        return ratios;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }

    private static String join(List<Double> values, String format) {
        return String.join(", ", values.stream().map(value -> String.format(Locale.ROOT, format, value)).toList());
    }

    /** Gives the method name of a benchmark's full name, as the login lines name it. */
    static String shortName(String benchmark) {
        return benchmark.substring(benchmark.lastIndexOf('.') + 1);
    }
}
