package dev.quill.server.ws;

import dev.quill.server.chat.ApiError;
import dev.quill.server.chat.ApiException;
import dev.quill.server.store.ConversationTree;
import dev.quill.server.store.StoredMessage;
import dev.quill.server.toolcall.ToolMessages;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * One {@code history} reply, along the conversation's active branch: the newest messages before index {@code before} (all of them when
 * not given), at most {@code limit}, that fit in a byte budget, oldest first. {@code first} is
 * the index of the first one in the conversation, so a client asks for the page before it with
 * {@code before: first}; {@code more} says whether there is one. A single message larger than the
 * whole budget is cut to fit and marked {@code truncated}, so that every page holds at least one
 * message and paging always moves on.
 *
 * @param first index of {@code messages[0]} in the conversation
 * @param total how many messages the conversation holds
 * @param messages the page, oldest first
 */
record HistoryPage(int first, int total, JsonArray messages) {

    boolean more() {
        return first > 0;
    }

    /**
     * @param before exclusive end index; larger than the conversation means its end
     * @param maxBytes what the messages may take in the encoded frame, commas included
     */
    static HistoryPage of(ConversationTree tree, int before, int limit, long maxBytes) {
        List<StoredMessage> all = tree.path();
        int end = Math.min(before, all.size());
        Deque<JsonObject> page = new ArrayDeque<>();
        long used = 2; // the array's brackets
        int first = end;
        while (first > 0 && page.size() < limit) {
            JsonObject m = wire(all.get(first - 1), tree);
            long size = SocketWriter.utf8Length(m.encode()) + (page.isEmpty() ? 0 : 1);
            if (used + size > maxBytes) {
                if (page.isEmpty()) {
                    page.addFirst(truncated(m, maxBytes - used));
                    first--;
                }
                break;
            }
            used += size;
            page.addFirst(m);
            first--;
        }
        return new HistoryPage(first, all.size(), new JsonArray(List.copyOf(page)));
    }

    /** An optional integer field no smaller than {@code min}; null when absent. */
    static Integer optionalInt(JsonObject msg, String key, int min) {
        Object v = msg.getValue(key);
        if (v == null) {
            return null;
        }
        if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.doubleValue() < min
                || n.doubleValue() > Integer.MAX_VALUE) {
            throw new ApiException(ApiError.invalid(key + " must be an integer of at least " + min, key));
        }
        return n.intValue();
    }

    /** A message as the page reads it: with its versions when it has several (ids, oldest first), and an answer's timings. */
    private static JsonObject wire(StoredMessage m, ConversationTree tree) {
        JsonObject json = new JsonObject().put("id", m.id()).put("role", m.role()).put("content", m.content())
                .put("finish_reason", m.finishReason()).put("created", m.createdAtMillis());
        List<String> versions = tree.versionsOf(m.id());
        if (versions.size() > 1) {
            json.put("versions", new JsonArray(List.copyOf(versions)));
        }
        if (m.toolCalls() != null) {
            json.put("tool_calls", ToolMessages.wire(m.toolCalls())); // OpenAI's shape, as the page's tools would send them back
        }
        if (m.toolCallId() != null) {
            json.put("tool_call_id", m.toolCallId());
        }
        if (m.timings() != null) { // the names of the done frame's, so a reloaded answer reads as a streamed one
            json.put("timings", new JsonObject().put("time_to_first_token_ms", m.timings().timeToFirstTokenMs())
                            .put("tokens_per_second", m.timings().tokensPerSecond()))
                    .put("usage", new JsonObject().put("prompt_tokens", m.timings().promptTokens())
                            .put("completion_tokens", m.timings().completionTokens()));
        }
        return json;
    }

    /** The message with as much of its content as fits in {@code budget} encoded bytes. */
    private static JsonObject truncated(JsonObject m, long budget) {
        String content = m.getString("content");
        m.put("content", "").put("truncated", true);
        if (SocketWriter.utf8Length(m.encode()) > budget) {
            m.remove("tool_calls"); // calls too large for a page: the truncated message says so
        }
        long room = budget - SocketWriter.utf8Length(m.encode());
        int cut = 0;
        long size = 0;
        while (cut < content.length()) {
            int step = Character.isHighSurrogate(content.charAt(cut)) && cut + 1 < content.length() ? 2 : 1;
            long more = step == 2 ? 4 : encodedSize(content.charAt(cut));
            if (size + more > room) {
                break;
            }
            size += more;
            cut += step;
        }
        return m.put("content", content.substring(0, cut));
    }

    /** An upper bound of one character's size in a JSON string, in UTF-8 (escapes included). */
    private static int encodedSize(char c) {
        if (c < 0x20) {
            return 6; // \\u00XX at worst
        }
        if (c == '"' || c == '\\') {
            return 2;
        }
        return c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
    }
}
