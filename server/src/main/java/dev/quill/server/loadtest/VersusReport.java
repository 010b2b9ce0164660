package dev.quill.server.loadtest;

import dev.quill.server.loadtest.VersusResults.Chat;
import dev.quill.server.loadtest.VersusResults.Decode;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Issue 13's tables, from a {@code bench/versus.sh} run ({@link VersusResults}), as markdown for
 * docs/BENCHMARKS.md's section {@value #HEADING}. The generated part sits between two comment
 * markers, so a rerun replaces it and leaves the section's hand-written text alone.
 *
 * <p>llama.cpp's figures are the ones issue 13 reports, measured on another machine; they appear
 * only in columns that say so, never as a measurement of this run.
 */
final class VersusReport {

    static final String HEADING = "## Side by side with llama.cpp (issue 13)";
    static final String BEGIN = "<!-- bench/versus.sh: generated tables begin -->";
    static final String END = "<!-- bench/versus.sh: generated tables end -->";
    static final String PEER = "llama.cpp, 2 threads (issue 13's figures, another machine)";

    /** Issue 13's llama.cpp server figures: clients → {aggregate tok/s, TTFT p50 s}. */
    static final Map<Integer, double[]> PEER_SERVER = Map.of(1, new double[] {71.0, 0.08}, 8, new double[] {218.8, 0.41},
            16, new double[] {287.7, 0.67});
    /** Flags that decide which kernels a CPU can run, of the whole list in /proc/cpuinfo. */
    static final Set<String> KEY_FLAGS = Set.of("avx", "avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512_vnni",
            "avx512_bf16", "avx_vnni", "amx_tile", "amx_bf16", "amx_int8", "f16c");

    private VersusReport() {
    }

    /** {@code loadtest --versus-report DIR --doc FILE}: the tables into FILE (and on {@code out}). */
    static int command(List<String> args, PrintStream out, PrintStream err) {
        if (args.size() != 3 || !args.get(1).equals("--doc")) {
            err.println("loadtest: usage: --versus-report DIR --doc FILE");
            return 2;
        }
        try {
            String tables = tables(VersusResults.read(Path.of(args.get(0))));
            Path doc = Path.of(args.get(2));
            String text = Files.exists(doc) ? Files.readString(doc, StandardCharsets.UTF_8) : "";
            Files.writeString(doc, replaceSection(text, tables), StandardCharsets.UTF_8);
            out.println(tables);
            err.println("loadtest: wrote the tables into " + doc);
            return 0;
        } catch (IOException | RuntimeException e) {
            err.println("loadtest: --versus-report: " + e);
            return 1;
        }
    }

    /** The generated part, markers included. */
    static String tables(VersusResults r) {
        Map<String, String> m = r.machine();
        StringBuilder b = new StringBuilder(BEGIN).append("\n\n");
        b.append("Measured by `").append(m.getOrDefault("command", "bench/versus.sh")).append("` on ")
                .append(m.getOrDefault("date", "an unrecorded date")).append(".\n\n");
        b.append("- CPU: ").append(m.getOrDefault("cpu", "unknown")).append(", ").append(m.getOrDefault("cores", "?"))
                .append(" cores; the flags that choose kernels: ").append(keyFlags(m.getOrDefault("flags", ""))).append('\n');
        b.append("- Load average at the start and at the end: ").append(m.getOrDefault("load_before", "?")).append(" / ")
                .append(m.getOrDefault("load_after", "?")).append(m.containsKey("note") ? "; " + m.get("note") : "").append('\n');
        b.append("- Model: ").append(m.getOrDefault("model", "a Llama-shaped random fp32 model")).append('\n');
        b.append("- The `").append(PEER).append("` column holds the figures issue 13 reports from its own run of ")
                .append("llama.cpp (2026-12-02, 2-core AMD EPYC with AVX-512/AVX512_BF16/VNNI, f32 GGUF of the same ")
                .append("shape). They were not measured here; ratios against them compare two machines.\n\n");
        decodeTable(b, r.decode());
        serverTable(b, r.clients());
        chatTable(b, r);
        b.append("<details><summary>all CPU flags</summary>\n\n```\n").append(m.getOrDefault("flags", "unknown"))
                .append("\n```\n</details>\n\n").append(END);
        return b.toString();
    }

    private static void decodeTable(StringBuilder b, Map<Integer, Decode> decode) {
        b.append("### Batch-1 decode against the memory roofline\n\n");
        List<String> head = new ArrayList<>(List.of(""));
        decode.keySet().forEach(t -> head.add("Quill, " + threads(t)));
        head.add("llama.cpp (issue 13, another machine)");
        Table t = new Table(head);
        t.row(row("memory read bandwidth, GB/s (PyTorch sum, around the decode runs)", decode,
                d -> f1(d.bandwidthGbs()), "24.5 (1 thread) / 48.9 (2)"));
        t.row(row("weights read per token, MB (all but the embedding)", decode, d -> f1(d.weightMb()), "438"));
        t.row(row("roofline = bandwidth / bytes per token, tok/s", decode, d -> f1(d.rooflineTokS()), "56 / 112"));
        t.row(row("batch-1 decode, tok/s (median; best run)", decode,
                d -> f1(d.decodeTokS()) + " (" + f1(d.bestTokS()) + ")", "51.2 / 77.9"));
        t.row(row("share of the roofline (median)", decode, d -> pct(d.decodeTokS() / d.rooflineTokS()), "91% / 70%"));
        t.row(row("decode step, ms (median)", decode, d -> f1(d.stepMs()), ""));
        b.append(t).append('\n');
    }

    private static void serverTable(StringBuilder b, Map<Integer, Map<Integer, JsonObject>> clients) {
        JsonObject any = clients.values().stream().flatMap(m -> m.values().stream()).findFirst().orElse(new JsonObject());
        b.append("### The server: streaming clients\n\n")
                .append("Aggregate output tok/s, TTFT p50. Each client sends its next request when its answer ends; ")
                .append(lengths(any)).append(" (issue 13: 128-token greedy answers).\n\n");
        List<String> head = new ArrayList<>(List.of("clients"));
        clients.keySet().forEach(t -> head.add("Quill, " + threads(t)));
        head.add(PEER);
        head.add("best Quill / llama.cpp (tok/s)");
        Table t = new Table(head);
        Set<Integer> counts = new TreeSet<>();
        clients.values().forEach(byCount -> counts.addAll(byCount.keySet()));
        for (int n : counts) {
            List<String> cells = new ArrayList<>(List.of(String.valueOf(n)));
            double best = Double.NaN;
            for (Map<Integer, JsonObject> byCount : clients.values()) {
                JsonObject j = byCount.get(n);
                cells.add(j == null ? "" : f1(tokS(j)) + ", " + seconds(num(j, "median_ttft_ms")) + failures(j));
                if (j != null && !(tokS(j) <= best)) {
                    best = tokS(j);
                }
            }
            double[] peer = PEER_SERVER.get(n);
            cells.add(peer == null ? "" : f1(peer[0]) + ", " + f2(peer[1]) + " s");
            cells.add(peer == null || Double.isNaN(best) ? "" : f2(best / peer[0]));
            t.row(cells);
        }
        b.append(t).append('\n');
    }

    private static void chatTable(StringBuilder b, VersusResults r) {
        JsonObject any = r.chat().values().stream().flatMap(m -> m.values().stream()).map(Chat::result).findFirst()
                .orElse(new JsonObject());
        JsonObject config = any.getJsonObject("config", new JsonObject());
        b.append("### Multi-turn chat sessions\n\n")
                .append(config.getValue("sessions", "?")).append(" sessions, ").append(config.getValue("turns", "?"))
                .append(" turns each; ").append(lengths(any))
                .append(" (issue 13: 16 sessions, 4 turns, 16–48-word prompts, 32–96-token answers). The decode-only step is the TPOT p50 of ")
                .append("the 16-client run on the same threads: 16 sequences decoding together with no prompt in the step. ")
                .append("Server reuse: prompt tokens taken from the prefix cache over all prompt tokens (the server's ")
                .append("`/metrics`, warm-up included). Second turn: tokens reused over the first turn's prompt and answer.\n\n");
        Table t = new Table(List.of("run", "output tok/s", "TTFT p50", "TPOT p50", "decode-only step", "TPOT / step",
                "server reuse", "second-turn reuse", "completed / failed"));
        for (var byThreads : r.chat().entrySet()) {
            JsonObject sixteen = r.clients().getOrDefault(byThreads.getKey(), Map.of()).get(16);
            double step = sixteen == null ? Double.NaN : num(sixteen, "median_tpot_ms");
            for (var run : byThreads.getValue().entrySet()) {
                Chat c = run.getValue();
                JsonObject j = c.result();
                double tpot = num(j, "median_tpot_ms");
                t.row(List.of("Quill, " + threads(byThreads.getKey()) + ", " + run.getKey(), f1(tokS(j)),
                        seconds(num(j, "median_ttft_ms")), ms(tpot), ms(step), Double.isNaN(step) ? "" : f1(tpot / step) + "x",
                        pct(c.serverReuse()), pct(c.secondTurnReuse()),
                        j.getInteger("completed", 0) + " / " + j.getInteger("failed", 0)));
            }
        }
        t.row(List.of("llama.cpp, sse (issue 13, another machine; sessions cut short by the load tester's defect)",
                "200", "0.24 s", "74 ms", "", "", "", "", ""));
        b.append(t).append('\n');
    }

    private interface Cell {
        String of(Decode d);
    }

    private static List<String> row(String label, Map<Integer, Decode> decode, Cell cell, String peer) {
        List<String> cells = new ArrayList<>(List.of(label));
        decode.values().forEach(d -> cells.add(cell.of(d)));
        cells.add(peer);
        return cells;
    }

    /** A markdown table whose every row has the header's number of cells. */
    private static final class Table {
        private final StringBuilder text = new StringBuilder();
        private final int columns;

        Table(List<String> head) {
            columns = head.size();
            line(head);
            text.append('|').append(" --- |".repeat(columns)).append('\n');
        }

        void row(List<String> cells) {
            if (cells.size() != columns) {
                throw new IllegalArgumentException(cells.size() + " cells for " + columns + " columns: " + cells);
            }
            line(cells);
        }

        private void line(List<String> cells) {
            text.append('|');
            cells.forEach(c -> text.append(' ').append(c.replace("|", "\\|")).append(" |"));
            text.append('\n');
        }

        @Override
        public String toString() {
            return text.toString();
        }
    }

    /**
     * {@code doc} with the section's generated part replaced by {@code tables}: inside the section
     * when it exists (after its heading when it has no markers yet), else a new section at the end.
     */
    static String replaceSection(String doc, String tables) {
        int heading = doc.indexOf(HEADING + "\n");
        if (heading < 0) {
            return doc.stripTrailing() + "\n\n" + HEADING + "\n\n" + tables + "\n";
        }
        int next = doc.indexOf("\n## ", heading + HEADING.length());
        int sectionEnd = next < 0 ? doc.length() : next + 1;
        int begin = doc.indexOf(BEGIN, heading);
        int end = doc.indexOf(END, heading);
        if (begin >= 0 && begin < sectionEnd && end > begin && end < sectionEnd) {
            return doc.substring(0, begin) + tables + doc.substring(end + END.length());
        }
        int afterHeading = heading + HEADING.length() + 1;
        return doc.substring(0, afterHeading) + "\n" + tables + "\n" + doc.substring(afterHeading);
    }

    /** The prompts and answers a run asked for, from its result's config. */
    private static String lengths(JsonObject result) {
        JsonObject c = result.getJsonObject("config", new JsonObject());
        Object t = c.getValue("temperature");
        return "prompts of " + c.getValue("prompts", "?") + ", answers of " + c.getValue("max_tokens", "?") + " tokens"
                + (t instanceof Number n && n.doubleValue() == 0 ? ", greedy" : t == null ? "" : ", temperature " + t);
    }

    private static String keyFlags(String flags) {
        List<String> present = new ArrayList<>();
        for (String f : flags.split("\\s+")) {
            if (KEY_FLAGS.contains(f)) {
                present.add(f);
            }
        }
        return present.isEmpty() ? "none of " + new TreeSet<>(KEY_FLAGS) : String.join(" ", present);
    }

    private static double tokS(JsonObject j) {
        return num(j, "output_throughput");
    }

    /** A number of the result, NaN where it is absent or null (a run with nothing completed). */
    private static double num(JsonObject j, String key) {
        return j.getValue(key) instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    private static String failures(JsonObject j) {
        int failed = j.getInteger("failed", 0);
        return failed == 0 ? "" : " (" + failed + " failed)";
    }

    private static String threads(int t) {
        return t + (t == 1 ? " thread" : " threads");
    }

    private static String seconds(double ms) {
        return Double.isNaN(ms) ? "" : f2(ms / 1e3) + " s";
    }

    private static String ms(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.0f ms", v);
    }

    private static String pct(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "" : String.format(Locale.ROOT, "%.0f%%", 100 * v);
    }

    private static String f1(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.1f", v);
    }

    private static String f2(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.2f", v);
    }
}
