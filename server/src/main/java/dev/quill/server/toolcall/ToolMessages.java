package dev.quill.server.toolcall;

import dev.quill.model.template.ChatMessage;
import dev.quill.server.chat.ApiException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The messages of an agent loop, between OpenAI's wire shape, the chat template and the store:
 * an assistant turn with {@code tool_calls} (its {@code content} null or absent), and a
 * {@code tool} message answering one call by its {@code tool_call_id}. The template sees them as
 * transformers hands them over: {@code tool_calls} as a list of
 * {@code {"id", "type": "function", "function": {"name", "arguments": <a dict>}}}, the arguments
 * parsed from their JSON text, and {@code tool_call_id} on the tool message.
 */
public final class ToolMessages {

    /** Longest tool_call_id accepted. */
    public static final int MAX_CALL_ID = 256;

    private ToolMessages() {
    }

    /** An assistant message's {@code tool_calls}, or null when it has none. */
    public static List<ToolCall> calls(Object v, String where) {
        if (v == null) {
            return null;
        }
        if (!(v instanceof JsonArray array) || array.size() > ToolRequests.MAX_TOOLS) {
            throw invalid("'" + where + "' must be an array of at most " + ToolRequests.MAX_TOOLS + " calls", where);
        }
        List<ToolCall> calls = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            String at = where + "[" + i + "]";
            if (!(array.getValue(i) instanceof JsonObject c) || !(c.getValue("function") instanceof JsonObject f)
                    || !(f.getValue("name") instanceof String name) || name.isEmpty()) {
                throw invalid("'" + at + "' must be {\"id\", \"type\": \"function\", \"function\": {\"name\", \"arguments\"}}", at);
            }
            Object type = c.getValue("type");
            if (type != null && !"function".equals(type)) {
                throw invalid("'" + at + ".type' must be \"function\"", at + ".type");
            }
            String id = c.getValue("id") instanceof String s && !s.isEmpty() && s.length() <= MAX_CALL_ID ? s : null;
            if (id == null) {
                throw invalid("'" + at + ".id' must be a non-empty string of at most " + MAX_CALL_ID + " characters", at + ".id");
            }
            Object args = f.getValue("arguments");
            String arguments = args == null ? "{}" : args instanceof String s ? s : null;
            if (arguments == null || !(decode(arguments) instanceof JsonObject)) {
                throw invalid("'" + at + ".function.arguments' must be a string holding a JSON object", at + ".function.arguments");
            }
            calls.add(new ToolCall(id, name, arguments));
        }
        return calls;
    }

    /** A tool message's {@code tool_call_id}: required, bounded. */
    public static String callId(Object v, String where) {
        if (!(v instanceof String id) || id.isEmpty() || id.length() > MAX_CALL_ID) {
            throw invalid("'" + where + "' is required on a tool message: the id of the call it answers, "
                    + "a non-empty string of at most " + MAX_CALL_ID + " characters", where);
        }
        return id;
    }

    /** The message a chat template sees; {@code calls} and {@code callId} may be null. */
    public static ChatMessage message(String role, String content, List<ToolCall> calls, String callId) {
        Map<String, Object> fields = new LinkedHashMap<>();
        if (calls != null && !calls.isEmpty()) {
            List<Object> list = new ArrayList<>(calls.size());
            for (ToolCall c : calls) {
                Map<String, Object> function = new LinkedHashMap<>();
                function.put("name", c.name());
                function.put("arguments", PlainJson.of(decode(c.arguments())));
                Map<String, Object> call = new LinkedHashMap<>();
                call.put("id", c.id());
                call.put("type", "function");
                call.put("function", function);
                list.add(call);
            }
            fields.put("tool_calls", list);
        }
        if (callId != null) {
            fields.put("tool_call_id", callId);
        }
        return new ChatMessage(role, content, fields);
    }

    /** The call a tool message answers, or null. */
    public static String callIdOf(ChatMessage m) {
        return m.fields().get("tool_call_id") instanceof String s ? s : null;
    }

    /** Calls as OpenAI's {@code tool_calls} array. */
    public static JsonArray wire(List<ToolCall> calls) {
        JsonArray out = new JsonArray();
        for (ToolCall c : calls) {
            out.add(new JsonObject().put("id", c.id()).put("type", "function")
                    .put("function", new JsonObject().put("name", c.name()).put("arguments", c.arguments())));
        }
        return out;
    }

    /** A stored {@code tool_calls} array (as {@link #wire} wrote it) back as calls; null for none. */
    public static List<ToolCall> fromWire(JsonArray array) {
        if (array == null) {
            return null;
        }
        List<ToolCall> calls = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            JsonObject c = array.getJsonObject(i);
            JsonObject f = c.getJsonObject("function");
            calls.add(new ToolCall(c.getString("id"), f.getString("name"), f.getString("arguments")));
        }
        return calls;
    }

    private static Object decode(String json) {
        try {
            return Json.decodeValue(json);
        } catch (DecodeException e) {
            return null;
        }
    }

    private static ApiException invalid(String message, String param) {
        return ToolRequests.invalid(message, param);
    }
}
