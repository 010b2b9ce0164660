package dev.quill.server.toolcall;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads the JSON that tool-call markup wraps: one call {@code {"name": ..., "arguments": {...}}}
 * ({@code "parameters"} is Llama 3's word for the arguments), or an array of them. Arguments
 * written as a string holding a JSON object, as some models do, are read as that object. A call
 * to a function that was not offered is not a call: the text is passed on as it is.
 */
final class CallBodies {

    private CallBodies() {
    }

    /** The calls {@code json} holds, or null when it is not one call or a non-empty array of calls. */
    static List<ToolCall> calls(String json, Set<String> names) {
        Object value;
        try {
            value = Json.decodeValue(json.strip());
        } catch (DecodeException e) {
            return null;
        }
        List<ToolCall> calls = new ArrayList<>();
        if (value instanceof JsonObject o) {
            ToolCall call = call(o, names);
            return call == null ? null : List.of(call);
        }
        if (!(value instanceof JsonArray a) || a.isEmpty()) {
            return null;
        }
        for (Object item : a) {
            ToolCall call = item instanceof JsonObject o ? call(o, names) : null;
            if (call == null) {
                return null;
            }
            calls.add(call);
        }
        return calls;
    }

    private static ToolCall call(JsonObject o, Set<String> names) {
        if (!(o.getValue("name") instanceof String name) || !names.contains(name)) {
            return null;
        }
        Object args = o.containsKey("arguments") ? o.getValue("arguments") : o.getValue("parameters");
        if (args instanceof String s) {
            try {
                args = Json.decodeValue(s);
            } catch (DecodeException e) {
                return null;
            }
        }
        if (args == null && !o.containsKey("arguments") && !o.containsKey("parameters")) {
            args = new JsonObject(); // a function without parameters
        }
        if (!(args instanceof JsonObject arguments)) {
            return null;
        }
        return new ToolCall(ToolCall.newId(), name, arguments.encode());
    }
}
