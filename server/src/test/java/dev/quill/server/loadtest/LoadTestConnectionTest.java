package dev.quill.server.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quill.server.loadtest.ConnectionBehaviourServer.Behaviour;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code loadtest --protocol sse} against servers that close or keep their connections in each of
 * the ways real ones do (issue 13: against llama.cpp's server every second request failed with
 * {@code connection_error}, and each failure restarted its session's conversation). Every run must
 * end with no failure and every conversation carried through all its turns.
 */
class LoadTestConnectionTest {

    static final int REQUESTS = 12;
    static final int TURNS = 3;

    @TempDir
    Path dir;

    private JsonObject run(ConnectionBehaviourServer server, String... extra) throws Exception {
        Path out = dir.resolve("result.json");
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        List<String> argv = new java.util.ArrayList<>(List.of("--url", "http://127.0.0.1:" + server.port() + "/v1",
                "--protocol", "sse", "--sessions", "2", "--turns", String.valueOf(TURNS),
                "--requests", String.valueOf(REQUESTS), "--max-tokens", "4", "--prompt-tokens", "5",
                "--duration", "30", "--grace", "5", "--no-metrics", "--out", out.toString()));
        argv.addAll(List.of(extra));
        int code = LoadTestCommand.run(argv.toArray(String[]::new),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(stderr, true, StandardCharsets.UTF_8));
        JsonObject r = ReportFiles.json(out);
        assertThat(code).as(stderr.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(r.getJsonObject("errors_by_code").getMap()).isEmpty();
        assertThat(r.getInteger("failed")).isZero();
        assertThat(r.getInteger("completed")).isEqualTo(REQUESTS);
        assertThat(server.bodies).hasSize(REQUESTS); // each request answered once: a retry is never a duplicate
        assertConversationsCarriedThrough(server.bodies);
        return r;
    }

    /** No conversation restarted: each was sent with 1, 3, 5 messages, the answers put back in between. */
    private static void assertConversationsCarriedThrough(List<JsonObject> bodies) {
        Map<String, List<JsonArray>> byConversation = bodies.stream().map(b -> b.getJsonArray("messages"))
                .collect(Collectors.groupingBy(m -> m.getJsonObject(0).getString("content")));
        long full = byConversation.values().stream().filter(turns -> turns.size() == TURNS).count();
        assertThat(full).isGreaterThanOrEqualTo(REQUESTS / TURNS - 1); // the last of each session may be cut by the limit
        for (List<JsonArray> turns : byConversation.values()) {
            assertThat(turns.stream().map(JsonArray::size).toList()).isEqualTo(List.of(1, 3, 5).subList(0, turns.size()));
            for (int t = 1; t < turns.size(); t++) {
                assertThat(turns.get(t).getJsonObject(2 * t - 1).getString("content")).isEqualTo(ScriptedOpenAiServer.ANSWER);
            }
        }
    }

    @Test
    void aServerThatClosesAfterEachAnswerWithoutSayingSo() throws Exception {
        try (ConnectionBehaviourServer server = new ConnectionBehaviourServer(Behaviour.CLOSE_AFTER_ANSWER)) {
            JsonObject r = run(server);
            // the client did reuse connections the server was closing: the race of issue 13 was run, and won
            assertThat(server.dropped.get()).isPositive();
            assertThat(r.getInteger("connection_retries")).isGreaterThanOrEqualTo(server.dropped.get());
            assertThat(server.connections.get()).isEqualTo(REQUESTS + 1); // one answer each, /v1/models included
        }
    }

    @Test
    void aServerThatSaysConnectionCloseIsNeverReused() throws Exception {
        try (ConnectionBehaviourServer server = new ConnectionBehaviourServer(Behaviour.CLOSE_ANNOUNCED)) {
            JsonObject r = run(server);
            assertThat(server.dropped.get()).isZero();
            assertThat(r.getInteger("connection_retries")).isZero();
            assertThat(server.connections.get()).isEqualTo(REQUESTS + 1);
        }
    }

    @Test
    void aServerThatClosesIdleConnectionsUnderTheClientsNextRequest() throws Exception {
        try (ConnectionBehaviourServer server = new ConnectionBehaviourServer(Behaviour.IDLE_TIMEOUT)) {
            // open loop at 10 requests/s: a connection waits ~100 ms between turns, past the server's 20 ms
            JsonObject r = run(server, "--rate", "10");
            assertThat(server.dropped.get()).isPositive();
            assertThat(r.getInteger("connection_retries")).isGreaterThanOrEqualTo(server.dropped.get());
        }
    }

    @Test
    void anHttp10ServerWhoseBodyEndsWithTheConnection() throws Exception {
        try (ConnectionBehaviourServer server = new ConnectionBehaviourServer(Behaviour.HTTP_1_0)) {
            JsonObject r = run(server);
            assertThat(r.getInteger("connection_retries")).isZero();
            assertThat(server.connections.get()).isEqualTo(REQUESTS + 1);
        }
    }

    @Test
    void aServerThatKeepsConnectionsOpenHasThemReused() throws Exception {
        try (ScriptedOpenAiServer openai = new ScriptedOpenAiServer("k")) {
            Path out = dir.resolve("keep.json");
            int code = LoadTestCommand.run(new String[] {"--url", "http://127.0.0.1:" + openai.port(), "--protocol", "sse",
                            "--api-key", "k", "--sessions", "2", "--turns", "3", "--requests", "12", "--max-tokens", "4",
                            "--prompt-tokens", "5", "--duration", "30", "--no-metrics", "--out", out.toString()},
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            assertThat(code).isZero();
            JsonObject r = ReportFiles.json(out);
            assertThat(r.getInteger("failed")).isZero();
            assertThat(r.getInteger("connection_retries")).isZero();
            assertThat(openai.connections()).isLessThanOrEqualTo(2); // the pool's two, kept for /v1/models and every turn
        }
    }
}
