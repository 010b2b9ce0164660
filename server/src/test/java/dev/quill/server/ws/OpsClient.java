package dev.quill.server.ws;

import dev.quill.server.testing.ServerFixture;
import dev.quill.server.testing.WsAnswer;
import dev.quill.server.testing.WsClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** A WebSocket under one API key, with the frames of the conversation operations spelled out. */
final class OpsClient implements AutoCloseable {

    final WsClient ws;
    private int counter;

    OpsClient(ServerFixture quill, String key) {
        ws = WsClient.connect(quill.vertx, quill.port(), "/ws?token=" + key, null);
    }

    /** Sends a greedy chat-like frame of {@code type} for exactly {@code tokens} tokens and reads it to its end. */
    WsAnswer turn(String type, JsonObject fields, int tokens) throws InterruptedException {
        String id = type + "-" + ++counter;
        ws.send(fields.copy().put("type", type).put("id", id)
                .put("params", new JsonObject().put("temperature", 0).put("max_tokens", tokens).put("ignore_eos", true)));
        return WsAnswer.read(ws, id);
    }

    WsAnswer chat(String conversation, String content, int tokens) throws InterruptedException {
        JsonObject m = new JsonObject().put("content", content).put("client", "page");
        return turn("chat", conversation == null ? m : m.put("conversation", conversation), tokens);
    }

    /** The history frame, or the error answering it. */
    JsonObject history(String conversation, String client) throws InterruptedException {
        ws.send(new JsonObject().put("type", "history").put("conversation", conversation).put("client", client));
        while (true) {
            JsonObject f = ws.next();
            if (f.getString("type").equals("history") || (f.getString("type").equals("error") && f.getString("id") == null)) {
                return f;
            }
        }
    }

    JsonArray messages(String conversation) throws InterruptedException {
        JsonObject f = history(conversation, null);
        if (!f.getString("type").equals("history")) {
            throw new AssertionError("history refused: " + f);
        }
        return f.getJsonArray("messages");
    }

    /** Sends an operation and returns its reply: the frame of that id (its result or its error). */
    JsonObject op(String type, JsonObject fields) throws InterruptedException {
        String id = type + "-" + ++counter;
        ws.send(fields.copy().put("type", type).put("id", id));
        while (true) {
            JsonObject f = ws.next();
            if (id.equals(f.getString("id"))) {
                return f;
            }
        }
    }

    JsonArray conversations(String client) throws InterruptedException {
        ws.send(new JsonObject().put("type", "conversations").put("client", client));
        return ws.nextOf("conversations", null).getJsonArray("items");
    }

    @Override
    public void close() {
        ws.close();
    }
}
