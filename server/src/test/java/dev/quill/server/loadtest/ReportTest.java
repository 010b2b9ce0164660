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
        JsonObject r = JsonResult.build(new JsonObject().put("url", "http://127.0.0.1:1").put("protocol", "ws"), "m",
                SummaryTest.SCRIPT, SummaryTest.SCRIPT, durationSeconds, 0, 2_000_000_000L,
                new JsonObject().put("source", (String) null).put("note", "</script><b>not markup</b>"));
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
    }
}
