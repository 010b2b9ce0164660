package dev.quill.server.store;

/**
 * One message of a stored conversation.
 *
 * @param id unique per message; appending the same id twice stores it once (idempotent appends)
 * @param role "system", "user" or "assistant"
 * @param content the text
 * @param finishReason for assistant messages: "stop", "length", "cancelled" or "error"; else null
 * @param createdAtMillis when it was stored (epoch milliseconds)
 */
public record StoredMessage(String id, String role, String content, String finishReason, long createdAtMillis) {
}
