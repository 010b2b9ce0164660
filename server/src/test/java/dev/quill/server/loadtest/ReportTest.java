package dev.quill.server.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** {@code --compare}: two result files side by side, on the terminal and in one report. */
class ReportTest {

    @TempDir
    Path dir;

    private Path result(String name, double durationSeconds) throws Exception {
        return result(name, durationSeconds, new JsonObject().put("source", (String) null).put("note", "</script><b>not markup</b>"));
    }

    private Path result(String name, double durationSeconds, JsonObject serverMetrics) throws Exception {
        JsonObject r = JsonResult.build(new JsonObject().put("url", "http://127.0.0.1:1").put("protocol", "ws"), "m",
                SummaryTest.SCRIPT, SummaryTest.SCRIPT, durationSeconds, 0, 2_000_000_000L, serverMetrics);
        Path p = dir.resolve(name);
        JsonResult.write(r, p);
        return p;
    }

    @Test
    void comparePrintsBothRunsWithTheChangeAndWritesOneReport() throws Exception {
        Path a = result("before.json", 2.0);
        Path b = result("after.json", 4.0);
        Path report = dir.resolve("compare.html");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = LoadTestCommand.run(new String[] {"--compare", a.toString(), b.toString(), "--report", report.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream()));
        assertThat(code).isZero();
        String table = out.toString(StandardCharsets.UTF_8);
        assertThat(table).contains("before", "after");
        assertThat(table.lines().filter(l -> l.startsWith("Request throughput (req/s):")).findFirst().orElseThrow())
                .contains("1.50", "0.75", "-50.0%");
        assertThat(table).contains("P99 TTFT (ms):");

        JsonArray runs = ReportFiles.html(report); // the note's "</script>" did not end the data block
        assertThat(runs).hasSize(2);
        assertThat(runs.getJsonObject(0).getString("label")).isEqualTo("before");
        assertThat(runs.getJsonObject(1).getJsonObject("result").getDouble("duration")).isEqualTo(4.0);
        assertThat(runs.getJsonObject(0).getJsonObject("result").getJsonObject("server_metrics").getString("note"))
                .isEqualTo("</script><b>not markup</b>");
        assertThat(runs.getJsonObject(0).getJsonObject("result").containsKey("ttfts")).isFalse(); // lists stay in the JSON
        assertThat(table).doesNotContain("Server memory"); // neither run has it
    }

    @Test
    void compareWorksWhenOnlyOneRunHasServerMemory() throws Exception {
        // Measured 0..3 s: thirds of 1 s, t = 0 against t = 3. No RSS series (not Linux, say).
        JsonArray t = new JsonArray().add(0.0).add(1.0).add(2.0).add(3.0);
        JsonObject quill = new JsonObject().put("source", "quill").put("missed_scrapes", 0).put("t", t)
                .put("heap_used_bytes", new JsonArray().add(1048576.0).add(2097152.0).add(3145728.0).add(4194304.0))
                .put("native_arrays_live", new JsonArray().add(10.0).add(10.0).add(10.0).add(10.0))
                .put("event_loop_blocked_total", new JsonArray().add(0.0).add(0.0).add(0.0).add(0.0));
        Path a = result("other.json", 2.0);
        Path b = result("quill.json", 3.0, quill);
        Path report = dir.resolve("mixed.html");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = LoadTestCommand.run(new String[] {"--compare", a.toString(), b.toString(), "--report", report.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream()));
        assertThat(code).isZero();
        String table = out.toString(StandardCharsets.UTF_8);
        assertThat(table).contains("Server memory", "Live arrays, first to last window:", "Event-loop blocked warnings:");
        assertThat(table.lines().filter(l -> l.startsWith("Heap used, last window (MiB):")).findFirst().orElseThrow())
                .contains("-", "4.00");
        assertThat(table.lines().filter(l -> l.startsWith("Heap used, first to last window:")).findFirst().orElseThrow())
                .contains("+300.0%");
        assertThat(table).doesNotContain("RSS, last window");
        JsonArray runs = ReportFiles.html(report);
        assertThat(runs.getJsonObject(0).getJsonObject("result").getValue("server_memory")).isNull();
        assertThat(runs.getJsonObject(1).getJsonObject("result").getJsonObject("server_memory")
                .getJsonObject("heap_used_bytes").getDouble("first")).isEqualTo(1048576.0);
    }
}
