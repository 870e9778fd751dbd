package io.crmbridge.bench;

import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs JMH with the options given on the command line, then prints and saves the figures BENCHMARKS.md reports:
 * each score, the ratios the goals are about, and the logins each benchmark made.
 */
public final class RunBenchmarks {

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
        Path logins = Path.of(System.getProperty(TokenCacheBenchmark.LOGINS_FILE, "target/bench-logins.txt"));
        System.setProperty(TokenCacheBenchmark.LOGINS_FILE, logins.toString());
        Files.deleteIfExists(logins);

        Collection<RunResult> results = new Runner(options).run();

        List<String> loginLines = Files.exists(logins) ? Files.readAllLines(logins) : List.of();
        String summary = summary(results, loginLines);
        Path summaryFile = logins.resolveSibling("bench-summary.md");
        Files.writeString(summaryFile, summary);
        System.out.println();
        System.out.print(summary);
        System.out.println("(also in " + summaryFile + ")");
    }

    private static String summary(Collection<RunResult> results, List<String> loginLines) {
        Map<String, Integer> logins = new HashMap<>();
        for (String line : loginLines) {
            String[] parts = line.trim().split(" ");
            logins.merge(parts[0], Integer.parseInt(parts[2]), Integer::sum);
        }
        Map<String, Result<?>> scores = new HashMap<>();
        StringBuilder out = new StringBuilder("| benchmark | threads | score | error (99.9 %) | unit | logins |\n"
                + "|---|---:|---:|---:|---|---:|\n");
        for (RunResult run : results) {
            String name = shortName(run.getParams().getBenchmark());
            Result<?> primary = run.getPrimaryResult();
            scores.put(name, primary);
            out.append(String.format(Locale.ROOT, "| %s | %d | %.2f | %.2f | %s | %s |%n", name,
                    run.getParams().getThreads(), primary.getScore(), primary.getScoreError(), primary.getScoreUnit(),
                    logins.containsKey(name) ? logins.get(name).toString() : "?"));
        }

        out.append('\n');
        ratio(out, scores, "callThroughAuth / callThroughCamelHttpOAuth2, 1 thread (goal <= 1.05)",
                "callThroughAuth", "callThroughCamelHttpOAuth2");
        ratio(out, scores, "callThroughAuth / callThroughCamelHttpOAuth2, 8 threads (goal <= 1.05)",
                "callThroughAuthAt8Threads", "callThroughCamelHttpOAuth2At8Threads");
        ratio(out, scores, "authHit / callThroughCamelHttpOAuth2, 1 thread: hit path with the hop (goal < 0.05)",
                "authHit", "callThroughCamelHttpOAuth2");
        if (scores.containsKey("authHit") && scores.containsKey("plainHop")
                && scores.containsKey("callThroughCamelHttpOAuth2")) {
            double net = scores.get("authHit").getScore() - scores.get("plainHop").getScore();
            double call = scores.get("callThroughCamelHttpOAuth2").getScore();
            out.append(String.format(Locale.ROOT, "- (authHit - plainHop) / callThroughCamelHttpOAuth2, 1 thread: "
                    + "hit path alone (goal < 0.05): %.4f%n", net / call));
        }
        return out.toString();
    }

    /** Appends numerator / denominator with an error bound from the two relative errors added. */
    private static void ratio(StringBuilder out, Map<String, Result<?>> scores, String label, String numerator,
                              String denominator) {
        Result<?> top = scores.get(numerator);
        Result<?> bottom = scores.get(denominator);
        if (top == null || bottom == null) {
            return;
        }
        double ratio = top.getScore() / bottom.getScore();
        double error = ratio * (relative(top) + relative(bottom));
        out.append(String.format(Locale.ROOT, "- %s: %.4f +- %.4f%n", label, ratio, error));
    }

    /** Gives the method name of a benchmark's full name, as the login lines name it. */
    static String shortName(String benchmark) {
        return benchmark.substring(benchmark.lastIndexOf('.') + 1);
    }

    private static double relative(Result<?> result) {
        double error = result.getScoreError();
        return Double.isNaN(error) ? 0 : error / result.getScore();
    }
}
