package dev.quill.server.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** {@code --json-share}: that share of SSE requests carry a response_format, and the prompts stay those of a run without it. */
class LoadTestJsonShareTest {

    ScriptedOpenAiServer openai;
    final ByteArrayOutputStream stderr = new ByteArrayOutputStream();

    @BeforeEach
    void start() {
        openai = new ScriptedOpenAiServer("k");
    }

    @AfterEach
    void stop() {
        openai.close();
    }

    private int run(String... extra) {
        String[] base = {"--url", "http://127.0.0.1:" + openai.port() + "/v1", "--api-key", "k",
                "--duration", "20", "--grace", "5", "--sessions", "1", "--turns", "40", "--requests", "40",
                "--max-tokens", "2", "--prompt-tokens", "3", "--seed", "9", "--no-metrics"};
        String[] argv = java.util.stream.Stream.concat(java.util.Arrays.stream(base), java.util.Arrays.stream(extra))
                .toArray(String[]::new);
        return LoadTestCommand.run(argv, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(stderr, true, StandardCharsets.UTF_8));
    }

    @Test
    void aShareOfRequestsAskForJsonAndThePromptsAreUnchanged() {
        assertThat(run("--protocol", "sse")).as(stderr.toString(StandardCharsets.UTF_8)).isZero();
        List<String> plainPrompts = lastUserMessages();
        assertThat(openai.bodies).noneMatch(b -> b.containsKey("response_format"));
        openai.bodies.clear();

        assertThat(run("--protocol", "sse", "--json-share", "0.5")).as(stderr.toString(StandardCharsets.UTF_8)).isZero();
        long json = openai.bodies.stream().filter(b -> JsonAnswers.FORMAT.equals(b.getValue("response_format"))).count();
        assertThat(json).as("about half of 40").isBetween(8L, 32L);
        assertThat(openai.bodies.stream().filter(b -> b.containsKey("response_format")).count()).isEqualTo(json);
        assertThat(lastUserMessages()).isEqualTo(plainPrompts);
    }

    @Test
    void aShareOutOfRangeOrOverTheWebSocketIsRefused() {
        assertThat(run("--protocol", "sse", "--json-share", "1.5")).isNotZero();
        assertThat(stderr.toString(StandardCharsets.UTF_8)).contains("--json-share");
        stderr.reset();
        assertThat(run("--protocol", "ws", "--json-share", "0.5")).isNotZero();
        assertThat(stderr.toString(StandardCharsets.UTF_8)).contains("use --protocol sse");
    }

    private List<String> lastUserMessages() {
        return openai.bodies.stream().map(b -> {
            JsonArray m = b.getJsonArray("messages");
            return m.getJsonObject(m.size() - 1).getString("content");
        }).toList();
    }
}
