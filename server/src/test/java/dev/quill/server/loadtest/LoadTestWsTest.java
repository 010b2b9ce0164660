package dev.quill.server.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quill.server.testing.ServerFixture;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** A short real run over the WebSocket against an in-process Quill serving a tiny model. */
class LoadTestWsTest {

    @TempDir
    static Path dir;
    static ServerFixture quill;

    @BeforeAll
    static void start() throws Exception {
        quill = ServerFixture.start(dir, Map.of());
    }

    @AfterAll
    static void stop() {
        quill.close();
    }

    @Test
    void threeSessionsOfTwoTurnsCompleteAndWriteTheirFiles() throws Exception {
        Path out = dir.resolve("ws.json");
        Path report = dir.resolve("ws.html");
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        int code = LoadTestCommand.run(new String[] {
                "--url", "http://127.0.0.1:" + quill.port(), "--protocol", "ws",
                "--sessions", "3", "--turns", "2", "--requests", "6",
                "--duration", "20", "--grace", "5", // bounds only: the request limit ends it first
                "--prompt-tokens", "4..8", "--max-tokens", "3..5", "--seed", "3",
                "--out", out.toString(), "--report", report.toString()},
                new PrintStream(stdout, true, StandardCharsets.UTF_8), new PrintStream(stderr, true, StandardCharsets.UTF_8));

        assertThat(code).as(stderr.toString(StandardCharsets.UTF_8)).isZero();
        JsonObject r = ReportFiles.json(out);
        assertThat(r.getInteger("completed")).isEqualTo(6);
        assertThat(r.getInteger("failed")).isZero();
        assertThat(r.getInteger("incomplete")).isZero();
        assertThat(r.getJsonObject("errors_by_code")).isEmpty();
        assertThat(r.getString("stop_reason")).isEqualTo("requests");
        assertThat(r.getString("model")).isEqualTo("tiny-qwen2");
        assertThat(r.getDouble("mean_ttft_ms")).isPositive();
        assertThat(r.getDouble("p99_e2el_ms")).isGreaterThanOrEqualTo(r.getDouble("p99_ttft_ms"));
        assertThat(r.getDouble("output_throughput")).isPositive();
        JsonArray outputs = r.getJsonArray("output_lens");
        for (int i = 0; i < outputs.size(); i++) {
            assertThat(outputs.getInteger(i)).isBetween(3, 5); // ignore_eos: exactly the drawn max_tokens
        }

        // A second turn continued its conversation: the server's prompt holds the first turn and its answer.
        // (Which session ran which turns depends on who finished first, so conversations are compared.)
        Map<Integer, Integer> firstTurnPrompt = new HashMap<>();
        JsonArray conversations = r.getJsonArray("conversations");
        JsonArray turns = r.getJsonArray("turns");
        JsonArray inputs = r.getJsonArray("input_lens");
        for (int i = 0; i < conversations.size(); i++) {
            if (turns.getInteger(i) == 0) {
                firstTurnPrompt.put(conversations.getInteger(i), inputs.getInteger(i));
            }
        }
        int secondTurns = 0;
        for (int i = 0; i < conversations.size(); i++) {
            if (turns.getInteger(i) == 1) {
                secondTurns++;
                assertThat(inputs.getInteger(i)).isGreaterThan(firstTurnPrompt.get(conversations.getInteger(i)) + 3);
            }
        }
        assertThat(secondTurns).isPositive();

        JsonObject server = r.getJsonObject("server_metrics");
        assertThat(server.getString("source")).isEqualTo("quill");
        assertThat(server.getJsonArray("t")).isNotEmpty(); // the first scrape is at the start
        assertThat(server.getJsonArray("kv_usage").size()).isEqualTo(server.getJsonArray("t").size());
        for (String key : java.util.List.of("heap_used_bytes", "heap_committed_bytes", "native_arrays_live",
                "event_loop_blocked_total")) {
            assertThat(server.getJsonArray(key).size()).as(key).isEqualTo(server.getJsonArray("t").size());
            assertThat(server.getJsonArray(key).getValue(0)).as(key).isNotNull();
        }
        assertThat(server.getJsonArray("native_arrays_live").getDouble(0)).isEqualTo(quill.model.decoder().liveArrays());
        if (java.nio.file.Files.isReadable(Path.of("/proc/self/status"))) {
            assertThat(server.getJsonArray("resident_memory_bytes").getDouble(0)).isPositive();
            assertThat(server.getJsonArray("resident_outside_heap_bytes").getDouble(0)).isPositive();
        }
        JsonObject memory = r.getJsonObject("server_memory"); // a run of seconds: compared in thirds
        assertThat(memory.getString("window")).contains("third");
        assertThat(memory.getJsonObject("heap_used_bytes").getDouble("first")).isPositive();
        assertThat(memory.getLong("event_loop_blocked_during_run")).isNotNull();
        assertThat(stdout.toString(StandardCharsets.UTF_8)).contains("Server memory", "Event-loop blocked warnings:");

        JsonArray embedded = ReportFiles.html(report);
        assertThat(embedded).hasSize(1);
        assertThat(embedded.getJsonObject(0).getJsonObject("result").getInteger("completed")).isEqualTo(6);
        assertThat(stdout.toString(StandardCharsets.UTF_8)).contains("Serving Benchmark Result", "Successful requests:");
        assertThat(stderr.toString(StandardCharsets.UTF_8)).contains("\r[");
    }
}
