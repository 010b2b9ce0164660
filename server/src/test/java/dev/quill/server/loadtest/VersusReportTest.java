package dev.quill.server.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** bench/versus.sh's table writer, on a results folder laid out as the script leaves it. */
class VersusReportTest {

    @TempDir
    Path dir;
    Path doc;

    /** The decoder benchmark's two lines the report reads, printed with the benchmark's own formats. */
    static String decoderOutput(double decode, double best, double step, double bandwidth, double mb, double roofline) {
        return "memory read bandwidth over 1024 MiB: ...\n"
                + String.format(Locale.ROOT, "  roofline: %.1f MB of weights per token / %.1f GB/s (PyTorch sum, around the decode runs) = %.1f tokens/s%n",
                mb, bandwidth, roofline)
                + String.format(Locale.ROOT, "summary | %s | %s | prefill %.0f | decode %.1f (best %.1f) | step %.2f ms = products %.2f + rest %.2f"
                        + " | %d ops | bandwidth %.1f (best %.1f) GB/s | roofline %.1f | %.0f%% (best %.0f%%) | cache %s%n",
                "llama-134m", "1 thread(s)", 300.0, decode, best, step, step * 0.7, step * 0.3, 700, bandwidth, bandwidth + 1,
                roofline, 100 * decode / roofline, 100 * best / roofline, "-");
    }

    static JsonObject clients(double tokS, double ttftMs, double tpotMs) {
        return new JsonObject().put("config", new JsonObject().put("sessions", 16).put("turns", 4)
                        .put("prompts", "random words, 32 tokens").put("max_tokens", "128").put("temperature", 0.0))
                .put("output_throughput", tokS).put("median_ttft_ms", ttftMs).put("median_tpot_ms", tpotMs)
                .put("completed", 40).put("failed", 0);
    }

    /** Two conversations: first turns of 40+60 and 50+50 tokens, second turns reusing 90 and 100 of them. */
    static JsonObject chat(double tokS) {
        return clients(tokS, 2500, 400)
                .put("conversations", new JsonArray(List.of(0, 1, 0, 1, 2)))
                .put("turns", new JsonArray(List.of(0, 0, 1, 1, 1)))
                .put("errors", new JsonArray(List.of("", "", "", "", "")))
                .put("input_lens", new JsonArray(List.of(40, 50, 150, 160, 300)))
                .put("output_lens", new JsonArray(List.of(60, 50, 70, 80, 90)))
                .put("cached_lens", new JsonArray(List.of(0, 0, 90, 100, 280))); // conversation 2's first turn is not in the window
    }

    @BeforeEach
    void results() throws Exception {
        Files.writeString(dir.resolve("machine.txt"), """
                date: 2026-12-02T17:00:00+00:00
                command: bench/versus.sh
                cpu: AMD EPYC 9999
                cores: 2
                flags: fpu sse2 avx avx2 fma avx512f avx512_bf16 avx512_vnni
                load_before: 1.50 1.20 1.00
                load_after: 2.00 1.80 1.40
                note: the machine was shared with other builds
                model: llama-134m
                """);
        Files.writeString(dir.resolve("decode-1t.txt"), decoderOutput(30.2, 31.0, 33.1, 20.1, 438.1, 45.9));
        Files.writeString(dir.resolve("decode-2t.txt"), decoderOutput(33.4, 35.0, 29.9, 40.2, 438.1, 91.8));
        Files.writeString(dir.resolve("decode-4t.txt"), "the benchmark failed before its summary\n");
        write("clients-1t-1.json", clients(34.6, 210, 28));
        write("clients-1t-8.json", clients(76.3, 690, 95));
        write("clients-1t-16.json", clients(108.1, 1220, 140));
        write("clients-2t-16.json", clients(120.0, 1100, 120));
        write("chat-1t-sse.json", chat(15.7));
        write("chat-1t-ws.json", chat(22.2));
        Files.writeString(dir.resolve("chat-1t-sse.metrics.prom"), """
                # HELP quill_prompt_tokens_total Prompt tokens of finished requests.
                # TYPE quill_prompt_tokens_total counter
                quill_prompt_tokens_total 400
                quill_prefix_cache_tokens_total 300
                quill_http_requests_total{code="200"} 12
                """);
        doc = dir.resolve("BENCHMARKS.md");
        Files.writeString(doc, "# Benchmarks\n\n## Earlier\n\ntext that stays\n");
    }

    private void write(String name, JsonObject j) throws Exception {
        Files.writeString(dir.resolve(name), j.encodePrettily());
    }

    private String command() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = LoadTestCommand.run(new String[] {"--versus-report", dir.toString(), "--doc", doc.toString()},
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        try {
            return Files.readString(doc);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void writesOneWellFormedSectionWithTheMeasuredAndThePeersFiguresApart() {
        String text = command();
        assertThat(text).startsWith("# Benchmarks\n\n## Earlier\n\ntext that stays\n");
        assertThat(count(text, VersusReport.HEADING)).isEqualTo(1);
        assertThat(count(text, VersusReport.BEGIN)).isEqualTo(1);
        assertThat(count(text, VersusReport.END)).isEqualTo(1);
        String section = text.substring(text.indexOf(VersusReport.HEADING));

        List<List<String>> tables = tables(section);
        assertThat(tables).hasSize(3);
        for (List<String> table : tables) {
            int columns = cells(table.get(0)).size();
            assertThat(table.get(1)).matches("\\|( --- \\|)+");
            table.forEach(row -> assertThat(cells(row)).as(row).hasSize(columns));
        }
        // decode: one column per thread setting measured (the failed 4-thread run is left out), then the peer's
        assertThat(cells(tables.get(0).get(0))).containsExactly("", "Quill, 1 thread", "Quill, 2 threads",
                "llama.cpp (issue 13, another machine)");
        assertThat(section).contains("| batch-1 decode, tok/s (median; best run) | 30.2 (31.0) | 33.4 (35.0) | 51.2 / 77.9 |");
        assertThat(section).contains("| share of the roofline (median) | 66% | 36% |"); // 30.2/45.9, 33.4/91.8
        assertThat(section).contains("| weights read per token, MB (all but the embedding) | 438.1 | 438.1 | 438 |");
        // server: the best Quill column over the peer's, a blank where a run is missing
        assertThat(section).contains("| 16 | 108.1, 1.22 s | 120.0, 1.10 s | 287.7, 0.67 s | 0.42 |");
        assertThat(section).contains("| 8 | 76.3, 0.69 s |  | 218.8, 0.41 s | 0.35 |");
        // chat: TPOT over the 16-client run's TPOT on the same threads; reuse from /metrics and per conversation
        assertThat(section).contains("| Quill, 1 thread, sse | 15.7 | 2.50 s | 400 ms | 140 ms | 2.9x | 75% | 95% | 40 / 0 |");
        assertThat(section).contains("| Quill, 1 thread, ws | 22.2 | 2.50 s | 400 ms | 140 ms | 2.9x |  | 95% | 40 / 0 |");
        assertThat(section).contains("AMD EPYC 9999, 2 cores; the flags that choose kernels: avx avx2 fma avx512f avx512_bf16 avx512_vnni");
        assertThat(section).contains("1.50 1.20 1.00 / 2.00 1.80 1.40; the machine was shared with other builds");
        assertThat(section).contains("were not measured here");
        assertThat(section).contains("prompts of random words, 32 tokens, answers of 128 tokens, greedy (issue 13: 128-token");
        assertThat(section).contains("16 sessions, 4 turns each; prompts of random words, 32 tokens");
    }

    @Test
    void aRerunReplacesOnlyTheGeneratedPart() throws Exception {
        String first = command();
        String withNotes = first.replace(VersusReport.END, VersusReport.END + "\n\nWhy SSE reuses less: hand-written.")
                + "\n## Later\n\nanother section\n";
        Files.writeString(doc, withNotes);
        write("clients-1t-1.json", clients(40.0, 150, 25));
        String second = command();
        assertThat(second).contains("Why SSE reuses less: hand-written.").endsWith("## Later\n\nanother section\n");
        assertThat(second).contains("| 1 | 40.0, 0.15 s |").doesNotContain("| 1 | 34.6, 0.21 s |");
        assertThat(count(second, VersusReport.BEGIN)).isEqualTo(1);
        assertThat(second.replace("| 1 | 40.0, 0.15 s |  | 71.0, 0.08 s | 0.56 |", "| 1 | 34.6, 0.21 s |  | 71.0, 0.08 s | 0.49 |"))
                .isEqualTo(withNotes);
    }

    @Test
    void aSectionWrittenByHandGetsTheTablesUnderItsHeading() {
        String doc = "# B\n\n" + VersusReport.HEADING + "\n\nintro by hand\n\n## Next\n";
        String out = VersusReport.replaceSection(doc, VersusReport.BEGIN + "\nT\n" + VersusReport.END);
        assertThat(out).isEqualTo("# B\n\n" + VersusReport.HEADING + "\n\n" + VersusReport.BEGIN + "\nT\n" + VersusReport.END
                + "\n\nintro by hand\n\n## Next\n");
    }

    private static int count(String text, String part) {
        return text.split(java.util.regex.Pattern.quote(part), -1).length - 1;
    }

    private static List<List<String>> tables(String text) {
        List<List<String>> tables = new ArrayList<>();
        List<String> current = null;
        for (String line : text.split("\n")) {
            if (line.startsWith("|")) {
                if (current == null) {
                    current = new ArrayList<>();
                    tables.add(current);
                }
                current.add(line);
            } else {
                current = null;
            }
        }
        return tables;
    }

    private static List<String> cells(String row) {
        String inner = row.substring(1, row.length() - 1);
        List<String> cells = new ArrayList<>();
        for (String c : inner.split("(?<!\\\\)\\|", -1)) {
            cells.add(c.trim());
        }
        return cells;
    }
}
