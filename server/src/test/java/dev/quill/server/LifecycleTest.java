package dev.quill.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quill.server.testing.ServerFixture;
import dev.quill.server.testing.WsClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

/** History longer than the context, and graceful shutdown. */
class LifecycleTest {

    @TempDir
    Path dir;

    private static JsonObject chat(String id, String conversation, String content, int maxTokens) {
        JsonObject m = new JsonObject().put("type", "chat").put("id", id).put("content", content)
                .put("params", new JsonObject().put("temperature", 0).put("max_tokens", maxTokens).put("ignore_eos", true));
        return conversation == null ? m : m.put("conversation", conversation);
    }

    @Test
    void historyBeyondTheContextIsTrimmedFromThePromptButKeptInTheStore() throws Exception {
        // a 256-token context; each turn adds ~60 tokens of question and 20 of answer
        try (ServerFixture q = ServerFixture.start(dir, Map.of());
             WsClient ws = WsClient.connect(q.vertx, q.port(), "/ws", null)) {
            String conversation = null;
            String question = "the quick brown fox jumps over the lazy dog ".repeat(6);
            int lastPrompt = 0;
            int omitted = 0;
            for (int turn = 0; turn < 6; turn++) {
                ws.send(chat("t" + turn, conversation, turn + " " + question, 20));
                JsonObject start = ws.nextOf("start", "t" + turn);
                conversation = start.getString("conversation");
                lastPrompt = start.getInteger("prompt_tokens");
                omitted = start.getInteger("omitted_messages"); // the start frame says what trimming left out
                if (turn == 0) {
                    assertThat(omitted).isZero();
                }
                assertThat(ws.nextOf("done", "t" + turn).getString("finish_reason")).isEqualTo("length");
            }
            assertThat(lastPrompt + 20).isLessThanOrEqualTo(q.engine.maxLength());
            assertThat(omitted).isBetween(1, 10);
            ws.send(new JsonObject().put("type", "history").put("conversation", conversation));
            JsonArray messages = ws.nextOf("history", null).getJsonArray("messages");
            assertThat(messages).hasSize(12); // nothing deleted: trimming only shapes the prompt
            assertThat(messages.getJsonObject(0).getString("content")).startsWith("0 ");
        }
    }

    @Test
    void shutdownRefusesNewWorkAndLetsRunningStreamsFinish() throws Exception {
        ServerFixture q = ServerFixture.start(dir, Map.of("server.shutdown_grace_seconds", "60"));
        WebClient http = WebClient.create(q.vertx);
        try (WsClient ws = WsClient.connect(q.vertx, q.port(), "/ws", null)) {
            ws.send(chat("running", null, "a long answer", 60));
            ws.nextOf("delta", "running");
            var closing = q.server.close();
            var refused = http.post(q.port(), "127.0.0.1", "/v1/chat/completions")
                    .sendJsonObject(new JsonObject().put("messages", new JsonArray()
                            .add(new JsonObject().put("role", "user").put("content", "hi"))))
                    .toCompletionStage().toCompletableFuture().join();
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("shutting_down");
            JsonObject done = ws.nextOf("done", "running");
            assertThat(done.getString("finish_reason")).isEqualTo("length");
            assertThat(done.getJsonObject("usage").getInteger("completion_tokens")).isEqualTo(60);
            closing.toCompletionStage().toCompletableFuture().join();
        } finally {
            http.close();
            q.close();
        }
    }
}
