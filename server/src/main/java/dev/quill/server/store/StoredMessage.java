package dev.quill.server.store;

import dev.quill.server.toolcall.ToolCall;

import java.util.List;

/**
 * One message of a stored conversation.
 *
 * <p>Messages form a tree (an edited message or a regenerated answer is a sibling of the one it
 * replaces); see {@link ConversationTree}. A message stored before branches existed has no
 * parent and follows the message stored before it, so an old conversation reads as one line.
 *
 * @param id unique per message; appending the same id twice stores it once (idempotent appends)
 * @param role "system", "user", "assistant" or "tool"
 * @param content the text ("" for an assistant turn that only called tools)
 * @param finishReason for assistant messages: "stop", "length", "cancelled" or "error"; else null
 * @param createdAtMillis when it was stored (epoch milliseconds)
 * @param parent the message this one answers or follows: {@link ConversationTree#ROOT} for a first
 *     message, null for "the message stored before it" (conversations stored before branches)
 * @param timings for an answer: how fast it came, so a page reloaded later still shows it; else null
 * @param toolCalls for an assistant turn: the tools it called, in order; null when none
 * @param toolCallId for a tool message: the call it answers; else null
 */
public record StoredMessage(String id, String role, String content, String finishReason, long createdAtMillis,
                            String parent, Timings timings, List<ToolCall> toolCalls, String toolCallId) {

    public StoredMessage {
        toolCalls = toolCalls == null || toolCalls.isEmpty() ? null : List.copyOf(toolCalls);
    }

    /** A message without a parent, timings or tool calls: it follows the message stored before it. */
    public StoredMessage(String id, String role, String content, String finishReason, long createdAtMillis) {
        this(id, role, content, finishReason, createdAtMillis, null, null, null, null);
    }

    /** The same message under another parent. */
    public StoredMessage withParent(String parent) {
        return new StoredMessage(id, role, content, finishReason, createdAtMillis, parent, timings, toolCalls,
                toolCallId);
    }

    /**
     * An answer's figures, as the WebSocket's {@code done} frame gives them.
     *
     * @param promptTokens tokens of the prompt it answered
     * @param completionTokens tokens it made
     * @param timeToFirstTokenMs from the engine taking the request to the first token
     * @param tokensPerSecond decode speed after the first token; 0 with fewer than two tokens
     */
    public record Timings(int promptTokens, int completionTokens, double timeToFirstTokenMs, double tokensPerSecond) {
    }
}
