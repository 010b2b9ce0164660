package dev.quill.server.hostile;

import dev.quill.server.testing.ServerFixture;
import dev.quill.server.testing.WsAnswer;
import dev.quill.server.testing.WsClient;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;

import java.util.List;

/** The wire pieces the hostile-client tests share: chat frames, history, HTTP calls under a key. */
final class Turns {

    private Turns() {
    }

    /** A greedy chat of exactly {@code tokens} tokens; conversation and turn may be null. */
    static JsonObject chat(String id, String conversation, String turn, String content, int tokens) {
        JsonObject m = new JsonObject().put("type", "chat").put("id", id).put("content", content)
                .put("params", new JsonObject().put("temperature", 0).put("max_tokens", tokens).put("ignore_eos", true));
        if (conversation != null) {
            m.put("conversation", conversation);
        }
        return turn == null ? m : m.put("turn", turn);
    }

    /** Reads the frames of chat {@code id} until its done or error. */
    static WsAnswer answer(WsClient ws, String id) throws InterruptedException {
        return WsAnswer.read(ws, id);
    }

    /** The history frame, or the error frame answering a history request. */
    static JsonObject historyFrame(WsClient ws, String conversation) throws InterruptedException {
        ws.send(new JsonObject().put("type", "history").put("conversation", conversation));
        while (true) {
            JsonObject f = ws.next();
            if (f.getString("type").equals("history") || (f.getString("type").equals("error") && f.getString("id") == null)) {
                return f;
            }
        }
    }

    static JsonArray history(WsClient ws, String conversation) throws InterruptedException {
        JsonObject f = historyFrame(ws, conversation);
        if (!f.getString("type").equals("history")) {
            throw new AssertionError("history of " + conversation + " refused: " + f);
        }
        return f.getJsonArray("messages");
    }

    /** "role: content" of each stored message, in order. */
    static List<String> lines(JsonArray messages) {
        return messages.stream().map(m -> (JsonObject) m)
                .map(m -> m.getString("role") + ": " + m.getString("content")).toList();
    }

    static HttpResponse<Buffer> post(ServerFixture quill, WebClient client, String path, String key,
                                     String idempotencyKey, JsonObject body) {
        var req = client.post(quill.port(), "127.0.0.1", path).putHeader("Content-Type", "application/json");
        if (key != null) {
            req.putHeader("Authorization", "Bearer " + key);
        }
        if (idempotencyKey != null) {
            req.putHeader("Idempotency-Key", idempotencyKey);
        }
        return req.sendBuffer(body.toBuffer()).toCompletionStage().toCompletableFuture().join();
    }

    /** A greedy chat body for /v1/chat/completions of exactly {@code tokens} tokens. */
    static JsonObject httpChat(String conversation, int tokens, JsonObject... messages) {
        JsonObject body = new JsonObject().put("model", "tiny-qwen2").put("messages", new JsonArray(List.of((Object[]) messages)))
                .put("temperature", 0).put("ignore_eos", true).put("max_tokens", tokens);
        return conversation == null ? body : body.put("conversation_id", conversation);
    }

    static JsonObject message(String role, String content) {
        return new JsonObject().put("role", role).put("content", content);
    }

    /** Issues a conversation id over HTTP. */
    static String newConversation(ServerFixture quill, WebClient client, String key) {
        HttpResponse<Buffer> r = post(quill, client, "/v1/conversations", key, null, new JsonObject());
        if (r.statusCode() != 200) {
            throw new AssertionError("POST /v1/conversations: " + r.statusCode() + " " + r.bodyAsString());
        }
        return r.bodyAsJsonObject().getString("id");
    }

    static String content(HttpResponse<Buffer> whole) {
        return whole.bodyAsJsonObject().getJsonArray("choices").getJsonObject(0).getJsonObject("message").getString("content");
    }
}
