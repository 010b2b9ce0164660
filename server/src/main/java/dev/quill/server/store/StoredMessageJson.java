package dev.quill.server.store;

import dev.quill.server.toolcall.ToolMessages;
import io.vertx.core.json.JsonObject;

/**
 * A message as {@link RedisConversationStore} keeps it: one JSON object per list entry. Fields
 * added later (parent, timings, tool calls) are left out when absent, so entries stored before them read the
 * same, and old entries read back with them null.
 */
final class StoredMessageJson {

    private StoredMessageJson() {
    }

    static String encode(StoredMessage m) {
        JsonObject json = new JsonObject()
                .put("id", m.id())
                .put("role", m.role())
                .put("content", m.content())
                .put("created_at", m.createdAtMillis());
        if (m.finishReason() != null) {
            json.put("finish_reason", m.finishReason());
        }
        if (m.parent() != null) {
            json.put("parent", m.parent());
        }
        if (m.toolCalls() != null) {
            json.put("tool_calls", ToolMessages.wire(m.toolCalls()));
        }
        if (m.toolCallId() != null) {
            json.put("tool_call_id", m.toolCallId());
        }
        StoredMessage.Timings t = m.timings();
        if (t != null) {
            json.put("timings", new JsonObject().put("prompt_tokens", t.promptTokens())
                    .put("completion_tokens", t.completionTokens()).put("ttft_ms", t.timeToFirstTokenMs())
                    .put("tokens_per_second", t.tokensPerSecond()));
        }
        return json.encode();
    }

    static StoredMessage decode(String entry) {
        JsonObject json = new JsonObject(entry);
        JsonObject t = json.getJsonObject("timings");
        StoredMessage.Timings timings = t == null ? null : new StoredMessage.Timings(t.getInteger("prompt_tokens", 0),
                t.getInteger("completion_tokens", 0), t.getDouble("ttft_ms", 0.0), t.getDouble("tokens_per_second", 0.0));
        return new StoredMessage(json.getString("id"), json.getString("role"), json.getString("content"),
                json.getString("finish_reason"), json.getLong("created_at", 0L), json.getString("parent"), timings,
                ToolMessages.fromWire(json.getJsonArray("tool_calls")), json.getString("tool_call_id"));
    }
}
