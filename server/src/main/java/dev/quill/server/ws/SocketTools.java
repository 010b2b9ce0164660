package dev.quill.server.ws;

import dev.quill.model.template.ChatMessage;
import dev.quill.server.chat.ApiError;
import dev.quill.server.chat.ApiException;
import dev.quill.server.toolcall.ToolCall;
import dev.quill.server.toolcall.ToolMessages;
import dev.quill.server.toolcall.ToolRequests;
import dev.quill.server.toolcall.ToolUse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * Tool calling on the WebSocket. A {@code chat} may offer {@code tools} with {@code tool_choice}
 * and {@code parallel_tool_calls} (OpenAI's shapes); each call the model makes is sent as a
 * {@code tool_calls} frame {@code {id, calls: [{index, id, name, arguments}]}} before {@code done},
 * whose finish_reason is then {@code tool_calls}. The client answers with a {@code tool_result}
 * {@code {id, conversation, tool_call_id, content}} (or {@code results: [{tool_call_id, content}]}
 * for several calls), which is stored as {@code tool} messages and answered like a chat (offering
 * {@code tools} again if the model may call more). Both are kept in the conversation's history.
 */
final class SocketTools {

    private SocketTools() {
    }

    /** The messages a {@code chat} or {@code tool_result} adds to the conversation. */
    static List<ChatMessage> messages(String type, JsonObject msg) {
        if (type.equals("tool_result")) {
            return results(msg);
        }
        if (!(msg.getValue("content") instanceof String content) || content.isBlank()) {
            throw invalid("content must be a non-empty string", "content");
        }
        List<ChatMessage> messages = new ArrayList<>(2);
        if (msg.getValue("system") instanceof String system && !system.isBlank()) {
            messages.add(new ChatMessage("system", system));
        }
        messages.add(new ChatMessage("user", content));
        return messages;
    }

    /** The message's tool use, or null when it offers no tools. */
    static ToolUse tools(JsonObject msg) {
        return ToolRequests.read(msg.getValue("tools"), msg.getValue("tool_choice"), msg.getValue("parallel_tool_calls"));
    }

    /** The frame that carries one call. */
    static JsonObject callFrame(String id, int index, ToolCall call) {
        return new JsonObject().put("type", "tool_calls").put("id", id).put("calls", new JsonArray().add(new JsonObject()
                .put("index", index).put("id", call.id()).put("name", call.name()).put("arguments", call.arguments())));
    }

    private static List<ChatMessage> results(JsonObject msg) {
        if (!(msg.getValue("conversation") instanceof String)) {
            throw invalid("a tool_result continues a conversation: it needs the conversation id", "conversation");
        }
        Object many = msg.getValue("results");
        if (many == null) {
            return List.of(result(msg, ""));
        }
        if (!(many instanceof JsonArray array) || array.isEmpty() || array.size() > ToolRequests.MAX_TOOLS) {
            throw invalid("results must be an array of 1 to " + ToolRequests.MAX_TOOLS
                    + " {tool_call_id, content} objects", "results");
        }
        List<ChatMessage> out = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            if (!(array.getValue(i) instanceof JsonObject r)) {
                throw invalid("results[" + i + "] must be an object", "results[" + i + "]");
            }
            out.add(result(r, "results[" + i + "]."));
        }
        return out;
    }

    private static ChatMessage result(JsonObject r, String where) {
        String callId = ToolMessages.callId(r.getValue("tool_call_id"), where + "tool_call_id");
        if (!(r.getValue("content") instanceof String content)) {
            throw invalid(where + "content must be a string: the tool's output", where + "content");
        }
        return ToolMessages.message("tool", content, null, callId);
    }

    private static ApiException invalid(String message, String param) {
        return new ApiException(ApiError.invalid(message, param));
    }
}
