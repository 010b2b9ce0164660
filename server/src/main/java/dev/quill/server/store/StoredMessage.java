package dev.quill.server.store;

import dev.quill.server.toolcall.ToolCall;

import java.util.List;

/**
 * One message of a stored conversation.
 *
 * @param id unique per message; appending the same id twice stores it once (idempotent appends)
 * @param role "system", "user", "assistant" or "tool"
 * @param content the text ("" for an assistant turn that only called tools)
 * @param finishReason for assistant messages: "stop", "length", "cancelled" or "error"; else null
 * @param createdAtMillis when it was stored (epoch milliseconds)
 * @param toolCalls for an assistant turn: the tools it called, in order; null when none
 * @param toolCallId for a tool message: the call it answers; else null
 */
public record StoredMessage(String id, String role, String content, String finishReason, long createdAtMillis,
                            List<ToolCall> toolCalls, String toolCallId) {

    public StoredMessage {
        toolCalls = toolCalls == null || toolCalls.isEmpty() ? null : List.copyOf(toolCalls);
    }

    /** A message with no tool calls and answering none. */
    public StoredMessage(String id, String role, String content, String finishReason, long createdAtMillis) {
        this(id, role, content, finishReason, createdAtMillis, null, null);
    }
}
