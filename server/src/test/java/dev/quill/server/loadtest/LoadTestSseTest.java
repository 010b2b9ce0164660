package dev.quill.server.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The SSE client against a scripted OpenAI-format server, so it is held to OpenAI's documented
 * stream rather than to any one server's implementation of it.
 */
class LoadTestSseTest {

    @TempDir
    Path dir;
    ScriptedOpenAiServer openai;
    final ByteArrayOutputStream stderr = new ByteArrayOutputStream();

    @BeforeEach
    void start() {
        openai = new ScriptedOpenAiServer("sekret");
    }

    @AfterEach
    void stop() {
        openai.close();
    }

    private int run(String... extra) {
        String[] base = {"--url", "http://127.0.0.1:" + openai.port() + "/v1", "--protocol", "sse", "--api-key", "sekret",
                "--duration", "20", "--grace", "5"};
        String[] argv = java.util.stream.Stream.concat(java.util.Arrays.stream(base), java.util.Arrays.stream(extra))
                .toArray(String[]::new);
        return LoadTestCommand.run(argv, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(stderr, true, StandardCharsets.UTF_8));
    }

    @Test
    void conversationsResendTheGrowingMessagesAndUsageIsCounted() throws Exception {
        Path out = dir.resolve("sse.json");
        Path report = dir.resolve("sse.html");
        int code = run("--sessions", "2", "--turns", "3", "--requests", "6", "--max-tokens", "4",
                "--prompt-tokens", "5", "--out", out.toString(), "--report", report.toString());
        assertThat(code).as(stderr.toString(StandardCharsets.UTF_8)).isZero();

        JsonObject r = ReportFiles.json(out);
        assertThat(r.getInteger("completed")).isEqualTo(6);
        assertThat(r.getInteger("failed")).isZero();
        assertThat(r.getString("model")).isEqualTo(ScriptedOpenAiServer.MODEL); // from /v1/models
        assertThat(r.getLong("total_output_tokens")).isEqualTo(6 * 4L);
        // the scripted usage counts 10 prompt tokens per message sent
        assertThat(r.getLong("total_input_tokens")).isEqualTo(
                openai.bodies.stream().mapToLong(b -> 10L * b.getJsonArray("messages").size()).sum());
        assertThat(r.getLong("total_cached_tokens")).isEqualTo(6 * 2L);
        assertThat(r.getJsonObject("histograms").getJsonObject("itl_ms").getJsonArray("counts")).isNotEmpty();
        assertThat(r.getJsonObject("server_metrics").getString("source")).isNull(); // no /metrics: skipped
        assertThat(r.getJsonObject("server_metrics").getString("note")).contains("/metrics");

        for (JsonObject body : openai.bodies) {
            assertThat(body.getString("model")).isEqualTo(ScriptedOpenAiServer.MODEL);
            assertThat(body.getBoolean("stream")).isTrue();
            assertThat(body.getJsonObject("stream_options").getBoolean("include_usage")).isTrue();
            assertThat(body.getInteger("max_tokens")).isEqualTo(4);
            assertThat(body.getBoolean("ignore_eos")).isTrue();
        }
        // Each conversation (told apart by its first message) was sent with 1, then 3, then 5 messages,
        // the assistant's turns being the streamed answers put back together. Which session ran which
        // turns depends on who finished first; a session that ends its 3 turns starts a new conversation.
        Map<String, List<JsonArray>> byConversation = openai.bodies.stream().map(b -> b.getJsonArray("messages"))
                .collect(Collectors.groupingBy(m -> m.getJsonObject(0).getString("content")));
        assertThat(byConversation.size()).isBetween(2, 3);
        boolean sawThirdTurn = false;
        for (List<JsonArray> turns : byConversation.values()) {
            assertThat(turns.stream().map(JsonArray::size).toList()).isEqualTo(List.of(1, 3, 5).subList(0, turns.size()));
            for (int t = 1; t < turns.size(); t++) {
                JsonArray now = turns.get(t);
                assertThat(now.getList().subList(0, 2 * t - 1)).isEqualTo(turns.get(t - 1).getList()); // history resent
                assertThat(now.getJsonObject(2 * t - 1).getString("role")).isEqualTo("assistant");
                assertThat(now.getJsonObject(2 * t - 1).getString("content")).isEqualTo(ScriptedOpenAiServer.ANSWER);
            }
            sawThirdTurn |= turns.size() == 3;
        }
        assertThat(sawThirdTurn).isTrue();
        assertThat(ReportFiles.html(report)).hasSize(1);
    }

    @Test
    void refusedRequestsAreCountedByCodeAndEndTheirConversation() throws Exception {
        Path dataset = dir.resolve("prompts.jsonl");
        Files.writeString(dataset, "\"hello\"\n\n{\"prompt\": \"fail\"}\n");
        Path out = dir.resolve("errors.json");
        int code = run("--sessions", "1", "--turns", "2", "--requests", "4", "--dataset", dataset.toString(),
                "--respect-eos", "--out", out.toString());
        assertThat(code).isZero();

        JsonObject r = ReportFiles.json(out);
        assertThat(r.getInteger("completed")).isEqualTo(2);
        assertThat(r.getInteger("failed")).isEqualTo(2);
        assertThat(r.getJsonObject("errors_by_code").getMap()).isEqualTo(Map.of("overloaded", 2));
        assertThat(r.getJsonArray("errors").getList()).containsExactly("", "overloaded", "", "overloaded");
        assertThat(openai.bodies.stream().map(b -> b.getJsonArray("messages").size())).containsExactly(1, 3, 1, 3);
        assertThat(openai.bodies.get(0).containsKey("ignore_eos")).isFalse();
    }

    @Test
    void poissonArrivalsStopAtTheRequestLimit() throws Exception {
        Path out = dir.resolve("rate.json");
        int code = run("--rate", "200", "--sessions", "4", "--requests", "12", "--max-tokens", "4", "--prompt-tokens", "3",
                "--out", out.toString());
        assertThat(code).isZero();
        JsonObject r = ReportFiles.json(out);
        assertThat(r.getInteger("completed")).isEqualTo(12);
        assertThat(r.getString("stop_reason")).isEqualTo("requests");
        assertThat(r.getDouble("request_rate")).isEqualTo(200.0);
        assertThat(r.getValue("max_concurrency")).isNull();
        assertThat(r.getDouble("mean_client_queue_time_ms")).isNotNegative();
        assertThat(openai.bodies).hasSize(12);
    }

    @Test
    void aStreamThatNeverEndsIsCutOffAndTheRunStillEnds() throws Exception {
        Path dataset = dir.resolve("stall.jsonl");
        Files.writeString(dataset, "\"stall\"\n");
        Path out = dir.resolve("stall.json");
        int code = LoadTestCommand.run(new String[] {"--url", "http://127.0.0.1:" + openai.port(), "--protocol", "sse",
                        "--api-key", "sekret", "--sessions", "2", "--dataset", dataset.toString(),
                        "--duration", "0.3", "--grace", "0.3", "--out", out.toString()},
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(stderr, true, StandardCharsets.UTF_8));
        assertThat(code).isEqualTo(1); // nothing completed
        JsonObject r = ReportFiles.json(out);
        assertThat(r.getInteger("incomplete")).isEqualTo(2);
        assertThat(r.getInteger("completed")).isZero();
        assertThat(r.getInteger("failed")).isZero();
        assertThat(r.getString("stop_reason")).isEqualTo("time");
        assertThat(r.getJsonArray("errors").getList()).containsExactly("incomplete", "incomplete");
    }

    @Test
    void aWrongKeyStopsBeforeTheRunWithTheReason() {
        int code = LoadTestCommand.run(new String[] {"--url", "http://127.0.0.1:" + openai.port(), "--protocol", "sse",
                        "--api-key", "wrong", "--duration", "5"},
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(stderr, true, StandardCharsets.UTF_8));
        assertThat(code).isEqualTo(1);
        assertThat(stderr.toString(StandardCharsets.UTF_8)).contains("refused the API key");
        assertThat(openai.bodies).isEmpty();
    }
}
