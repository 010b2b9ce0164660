package dev.quill.server.ws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quill.model.grammar.SchemaCheck;
import dev.quill.server.store.StoredMessage;
import dev.quill.server.testing.ServerFixture;
import dev.quill.server.testing.WsClient;
import dev.quill.server.toolcall.LongContextModel;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Tool calls on the WebSocket: a chat offering tools with {@code tool_choice: required} gets its
 * calls as {@code tool_calls} frames and ends with finish_reason tool_calls; the client's
 * {@code tool_result} is answered; both are stored and come back in {@code history}.
 */
class SocketToolsTest {

    static final String WEATHER = "{\"type\": \"object\", \"properties\": {\"city\": {\"type\": \"string\"}}, "
            + "\"required\": [\"city\"], \"additionalProperties\": false}";

    @TempDir
    static Path dir;
    static ServerFixture quill;

    @BeforeAll
    static void start() throws Exception {
        LongContextModel.write(dir);
        quill = ServerFixture.start(dir, Map.of());
    }

    @AfterAll
    static void stop() {
        quill.close();
    }

    static JsonArray tools() {
        return new JsonArray().add(new JsonObject().put("type", "function").put("function", new JsonObject()
                .put("name", "get_weather").put("parameters", new JsonObject(WEATHER))));
    }

    /** The frames of one answer, up to and including its done (or error). */
    static List<JsonObject> answer(WsClient ws, String id) throws InterruptedException {
        List<JsonObject> frames = new ArrayList<>();
        JsonObject f;
        do {
            f = ws.next();
            assertThat(f.getString("id")).isEqualTo(id);
            frames.add(f);
        } while (!f.getString("type").equals("done") && !f.getString("type").equals("error"));
        return frames;
    }

    @Test
    void aToolCallAndItsResultAreStoredAndComeBackInHistory() throws Exception {
        try (WsClient ws = WsClient.connect(quill.vertx, quill.port(), "/ws", null)) {
            ws.send(new JsonObject().put("type", "chat").put("id", "t1").put("content", "Weather in Paris?")
                    .put("tools", tools()).put("tool_choice", "required").put("parallel_tool_calls", false)
                    .put("params", new JsonObject().put("temperature", 1).put("seed", 5).put("max_tokens", 120)));
            List<JsonObject> first = answer(ws, "t1");
            String conversation = first.get(0).getString("conversation");
            List<JsonObject> calls = first.stream().filter(f -> f.getString("type").equals("tool_calls"))
                    .map(f -> f.getJsonArray("calls").getJsonObject(0)).toList();
            assertThat(calls).hasSize(1);
            JsonObject call = calls.get(0);
            assertThat(call.getInteger("index")).isZero();
            assertThat(call.getString("name")).isEqualTo("get_weather");
            assertThat(new SchemaCheck(WEATHER).problems(call.getString("arguments"))).isEmpty();
            assertThat(first.get(first.size() - 1).getString("finish_reason")).isEqualTo("tool_calls");

            ws.send(new JsonObject().put("type", "tool_result").put("id", "t2").put("conversation", conversation)
                    .put("tool_call_id", call.getString("id")).put("content", "18 C")
                    .put("params", new JsonObject().put("temperature", 0).put("max_tokens", 3).put("ignore_eos", true)));
            List<JsonObject> second = answer(ws, "t2");
            assertThat(second.get(0).getString("type")).isEqualTo("start");
            assertThat(second.get(second.size() - 1).getString("finish_reason")).isEqualTo("length");

            ws.send(new JsonObject().put("type", "history").put("conversation", conversation));
            JsonArray history = ws.nextOf("history", null).getJsonArray("messages");
            assertThat(history.stream().map(m -> ((JsonObject) m).getString("role")).toList())
                    .containsExactly("user", "assistant", "tool", "assistant");
            JsonObject stored = history.getJsonObject(1).getJsonArray("tool_calls").getJsonObject(0);
            assertThat(stored.getString("id")).isEqualTo(call.getString("id"));
            assertThat(stored.getJsonObject("function").getString("name")).isEqualTo("get_weather");
            assertThat(stored.getJsonObject("function").getString("arguments")).isEqualTo(call.getString("arguments"));
            assertThat(history.getJsonObject(2).getString("tool_call_id")).isEqualTo(call.getString("id"));
            assertThat(history.getJsonObject(2).getString("content")).isEqualTo("18 C");

            List<StoredMessage> inStore = quill.store.history(conversation).toCompletionStage().toCompletableFuture().get();
            assertThat(inStore.get(1).toolCalls()).hasSize(1);
            assertThat(inStore.get(2).toolCallId()).isEqualTo(call.getString("id"));
        }
    }

    @Test
    void malformedToolMessagesAreTypedErrors() throws Exception {
        try (WsClient ws = WsClient.connect(quill.vertx, quill.port(), "/ws", null)) {
            ws.send(new JsonObject().put("type", "tool_result").put("id", "r1").put("tool_call_id", "call_1").put("content", "x"));
            JsonObject e = ws.nextOf("error", "r1");
            assertThat(e.getString("code")).isEqualTo("invalid_request");
            assertThat(e.getString("message")).contains("conversation");
            ws.send(new JsonObject().put("type", "tool_result").put("id", "r2").put("conversation", "conv-x").put("content", "x"));
            assertThat(ws.nextOf("error", "r2").getString("message")).contains("tool_call_id");
            ws.send(new JsonObject().put("type", "chat").put("id", "r3").put("content", "hi")
                    .put("tools", new JsonArray().add(new JsonObject().put("type", "function")
                            .put("function", new JsonObject().put("name", "bad name")))));
            assertThat(ws.nextOf("error", "r3").getString("message")).contains("tools[0].function.name");
        }
    }
}
