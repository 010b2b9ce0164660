package dev.quill.server.loadtest;

import dev.quill.model.cli.Args;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletionException;

/**
 * {@code quill loadtest ...}: many chat sessions against one server, then the numbers (stdout),
 * a JSON result and an HTML report; or {@code --compare a.json b.json} to set two runs side by
 * side.
 */
public final class LoadTestCommand {

    static final String USAGE = """
            usage: loadtest [--url URL] [--protocol ws|sse] [--sessions N] [--turns T]
                            [--rate R | --concurrency C] [--duration S] [--requests M] [--warmup S]
                            [--prompt-tokens DIST | --dataset FILE] [--max-tokens DIST]
                            [--out result.json] [--report report.html] [--api-key K] [--model NAME]
                            [--system TEXT] [--verify-history] [--json-share F]
                   loadtest --compare a.json b.json [--report compare.html]
                   loadtest --mixed-check alone.json mixed.json [--hostile hostile.json] [--out summary.json]
                   loadtest --versus-report DIR --doc docs/BENCHMARKS.md
              --url URL            the server (default http://127.0.0.1:8080); nothing else is contacted
              --protocol ws|sse    Quill's WebSocket /ws, or OpenAI's streaming /v1/chat/completions (default ws)
              --sessions N         simulated users, each with a connection and a conversation (default 8,
                                   or --concurrency)
              --turns T            messages per conversation, each continuing the last (default 1)
              --concurrency C      closed loop: C requests in flight, the next sent when one ends (default N)
              --rate R             open loop: Poisson arrivals, R requests/s, sent when a session is free
              --duration S         seconds of sending after the warm-up (default 60)
              --requests M         measured requests to send at most (default: no limit but time)
              --warmup S           seconds whose requests run but are left out of the numbers (default 0)
              --grace S            how long answers in flight at the end may take before they are cut (default 30)
              --prompt-tokens DIST prompt length in tokens: N, uniform:A..B (or A..B), normal:MEAN,SD (default 128)
              --dataset FILE       JSONL prompts instead: "text", {"prompt": "text"} or {"turns": ["a", "b"]}
              --max-tokens DIST    answer length, same forms (default 128)
              --respect-eos        let answers end early (default: ignore_eos, so lengths follow --max-tokens)
              --temperature T      sampling temperature to send (default: the server's)
              --seed N             for prompts, lengths and arrivals (default 0)
              --model NAME         the model field for SSE (default: the first of /v1/models)
              --api-key K          Bearer key for SSE, ?token= for WebSocket
              --system TEXT        a system prompt sent with each conversation's first turn
              --json-share F       this share of requests (0 to 1) ask for a JSON answer (response_format
                                   json_schema, a nested schema); SSE only
              --verify-history     at the end, read every conversation back (WebSocket history) and check it
                                   holds exactly what its client sent and received; differences fail the run
              --no-metrics         do not scrape /metrics
              --out FILE           the JSON result (vLLM's metric names)
              --report FILE        a self-contained HTML report with charts
              --compare A B        print two result files side by side (and --report them)
              --mixed-check A M    issue 12's mixed-run criteria, the run alone (A) against it beside
                                   `quill hostile` (M); exit status 4 when one fails (bench/mixed.sh)
              --versus-report DIR  issue 13's tables from bench/versus.sh's results in DIR, written into the
                                   doc's section "Side by side with llama.cpp (issue 13)"
            """;

    private LoadTestCommand() {
    }

    public static int run(String[] argv, PrintStream out, PrintStream err) {
        List<String> compare = null;
        List<String> rest = new java.util.ArrayList<>(List.of(argv));
        int mixedAt = rest.indexOf("--mixed-check");
        if (mixedAt >= 0) {
            if (mixedAt + 2 >= rest.size()) {
                err.println("loadtest: --mixed-check needs two result files");
                return 2;
            }
            List<String> files = List.copyOf(rest.subList(mixedAt + 1, mixedAt + 3));
            rest.subList(mixedAt, mixedAt + 3).clear();
            return mixedCheck(files, rest, out, err);
        }
        if (rest.indexOf("--versus-report") == 0) {
            return VersusReport.command(rest.subList(1, rest.size()), out, err);
        }
        int at = rest.indexOf("--compare");
        if (at >= 0) {
            if (at + 2 >= rest.size()) {
                err.println("loadtest: --compare needs two result files");
                return 2;
            }
            compare = List.copyOf(rest.subList(at + 1, at + 3));
            rest.subList(at, at + 3).clear();
        }
        Args a;
        try {
            a = Args.parse(rest.toArray(String[]::new), LoadTestOptions.WITH_VALUE, LoadTestOptions.FLAGS);
            if (a.has("help")) {
                out.print(USAGE);
                return 0;
            }
            if (compare != null) {
                return compare(Path.of(compare.get(0)), Path.of(compare.get(1)), a, out, err);
            }
            return load(LoadTestOptions.from(a), out, err);
        } catch (IllegalArgumentException e) {
            err.println("loadtest: " + e.getMessage());
            err.print(USAGE);
            return 2;
        } catch (IOException e) {
            err.println("loadtest: " + e.getClass().getSimpleName() + ": " + e.getMessage()); // e.g. NoSuchFileException: x.jsonl
            return 1;
        }
    }

    private static int load(LoadTestOptions o, PrintStream out, PrintStream err) throws IOException {
        err.printf("loadtest: %s over %s, %d sessions x %d turns, %s, at most %.0fs%n", o.target().describe(),
                o.protocol().name().toLowerCase(), o.sessions(), o.turns(), o.schedule().describe(),
                o.wallLimit().toMillis() / 1e3);
        Vertx vertx = Vertx.vertx();
        LoadTestRun.Outcome outcome;
        try {
            outcome = LoadTestRun.start(vertx, o, err).toCompletionStage().toCompletableFuture().join(); // not an event loop
        } catch (CompletionException e) {
            err.println("loadtest: " + e.getCause().getMessage());
            return 1;
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }
        JsonObject result = JsonResult.build(o, outcome);
        out.print(ResultTable.summary(result));
        if (o.out() != null) {
            JsonResult.write(result, o.out());
            err.println("loadtest: wrote " + o.out());
        }
        if (o.report() != null) {
            String label = o.out() != null ? label(o.out()) : o.protocol().name().toLowerCase() + " " + o.target().describe();
            HtmlReport.write(List.of(new HtmlReport.Run(label, result)), o.report());
            err.println("loadtest: wrote " + o.report());
        }
        if (result.getInteger("history_mismatches", 0) > 0 || result.getInteger("history_unreadable", 0) > 0
                || result.containsKey("history_error")) {
            err.println("loadtest: the stored history differs from what the clients sent and received");
            return 3;
        }
        return result.getInteger("completed") > 0 ? 0 : 1;
    }

    private static int compare(Path first, Path second, Args a, PrintStream out, PrintStream err) throws IOException {
        JsonObject x = JsonResult.read(first);
        JsonObject y = JsonResult.read(second);
        String labelX = label(first);
        String labelY = label(second);
        if (labelX.equals(labelY)) {
            labelX += " (1)";
            labelY += " (2)";
        }
        out.print(ResultTable.compare(x, y, labelX, labelY));
        if (a.has("report")) {
            Path report = Path.of(a.get("report", null));
            HtmlReport.write(List.of(new HtmlReport.Run(labelX, x), new HtmlReport.Run(labelY, y)), report);
            err.println("loadtest: wrote " + report);
        }
        return 0;
    }

    private static int mixedCheck(List<String> files, List<String> rest, PrintStream out, PrintStream err) {
        try {
            Args a = Args.parse(rest.toArray(String[]::new), java.util.Set.of("hostile", "out"), java.util.Set.of());
            JsonObject hostile = a.has("hostile") ? JsonResult.read(Path.of(a.get("hostile", null))) : null;
            JsonObject summary = MixedCheck.check(JsonResult.read(Path.of(files.get(0))), JsonResult.read(Path.of(files.get(1))), hostile);
            out.print(MixedCheck.text(summary));
            if (a.has("out")) {
                JsonResult.write(summary, Path.of(a.get("out", null)));
            }
            return summary.getBoolean("pass") ? 0 : 4;
        } catch (IllegalArgumentException | IOException | io.vertx.core.json.DecodeException e) {
            err.println("loadtest: --mixed-check: " + e.getMessage());
            return 2;
        }
    }

    private static String label(Path p) {
        String name = p.getFileName().toString();
        return name.endsWith(".json") ? name.substring(0, name.length() - 5) : name;
    }

    public static void main(String[] argv) {
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.exit(run(argv, out, System.err));
    }
}
