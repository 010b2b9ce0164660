package dev.quill.server.testing;

import io.vertx.core.json.JsonObject;

/**
 * What one WebSocket chat (or edit, or regenerate) brought back: its start frame (if any), its
 * text, and its done or error frame. One reader for every test that speaks the chat protocol.
 */
public record WsAnswer(JsonObject start, String text, JsonObject end) {

    public boolean done() {
        return end.getString("type").equals("done");
    }

    public String code() {
        return end.getString("code");
    }

    /** Reads the frames of chat {@code id} until its done or error; frames of other chats are passed over. */
    public static WsAnswer read(WsClient ws, String id) throws InterruptedException {
        JsonObject start = null;
        StringBuilder text = new StringBuilder();
        while (true) {
            JsonObject f = ws.next();
            if (!id.equals(f.getString("id"))) {
                continue;
            }
            switch (f.getString("type")) {
                case "start" -> start = f;
                case "delta" -> text.append(f.getString("text"));
                case "progress" -> { } // the prompt being read, before the first text
                case "done", "error" -> {
                    return new WsAnswer(start, text.toString(), f);
                }
                default -> throw new AssertionError("unexpected frame " + f);
            }
        }
    }
}
