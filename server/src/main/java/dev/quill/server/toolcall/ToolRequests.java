package dev.quill.server.toolcall;

import dev.quill.server.chat.ApiError;
import dev.quill.server.chat.ApiException;
import dev.quill.server.chat.JsonFields;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads {@code tools}, {@code tool_choice} and {@code parallel_tool_calls} (OpenAI's shapes),
 * the same on HTTP and the WebSocket. Every malformed piece is a 400 naming its field. Limits:
 * at most {@value #MAX_TOOLS} tools (OpenAI's own limit), names as OpenAI allows them (1 to 64
 * letters, digits, '_' or '-'), unique, and a description of at most {@value #MAX_DESCRIPTION}
 * characters; the request body limit bounds the rest.
 */
public final class ToolRequests {

    public static final int MAX_TOOLS = 128;
    public static final int MAX_DESCRIPTION = 8192;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private ToolRequests() {
    }

    /** The request's tool use, or null when it offers no tools and does not ask for calls. */
    public static ToolUse read(Object tools, Object toolChoice, Object parallel) {
        List<Map<String, Object>> list = tools(tools);
        if (parallel != null && !(parallel instanceof Boolean)) {
            throw JsonFields.wrongType("parallel_tool_calls", "a boolean", parallel);
        }
        boolean parallelCalls = !Boolean.FALSE.equals(parallel); // OpenAI's default: true
        ToolUse.Choice choice;
        String function = null;
        if (toolChoice == null || "auto".equals(toolChoice)) {
            choice = ToolUse.Choice.AUTO;
        } else if ("none".equals(toolChoice)) {
            choice = ToolUse.Choice.NONE;
        } else if ("required".equals(toolChoice)) {
            choice = ToolUse.Choice.REQUIRED;
        } else if (toolChoice instanceof JsonObject o) {
            choice = ToolUse.Choice.FUNCTION;
            function = namedFunction(o);
        } else {
            throw invalid("'tool_choice' must be \"none\", \"auto\", \"required\" or "
                    + "{\"type\": \"function\", \"function\": {\"name\": ...}}", "tool_choice");
        }
        if (list.isEmpty()) {
            if (choice == ToolUse.Choice.REQUIRED || choice == ToolUse.Choice.FUNCTION) {
                throw invalid("'tool_choice' asks for a tool call but 'tools' offers none", "tool_choice");
            }
            return null;
        }
        ToolUse use = new ToolUse(list, choice, function, parallelCalls, null);
        if (function != null && !use.names().contains(function)) {
            throw invalid("'tool_choice' names the function '" + function + "', which 'tools' does not offer",
                    "tool_choice.function.name");
        }
        return choice == ToolUse.Choice.REQUIRED || choice == ToolUse.Choice.FUNCTION
                ? new ToolUse(list, choice, function, parallelCalls, ToolGrammar.lazy(list, function, parallelCalls))
                : use;
    }

    private static List<Map<String, Object>> tools(Object v) {
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof JsonArray array)) {
            throw JsonFields.wrongType("tools", "an array", v);
        }
        if (array.size() > MAX_TOOLS) {
            throw invalid("'tools' holds " + array.size() + " tools; at most " + MAX_TOOLS + " are accepted", "tools");
        }
        List<Map<String, Object>> out = new ArrayList<>(array.size());
        Set<String> names = new HashSet<>();
        for (int i = 0; i < array.size(); i++) {
            String where = "tools[" + i + "]";
            if (!(array.getValue(i) instanceof JsonObject tool)) {
                throw invalid("'" + where + "' must be an object", where);
            }
            if (!"function".equals(tool.getValue("type"))) {
                throw invalid("'" + where + ".type' must be \"function\" (the only tool type supported)", where + ".type");
            }
            if (!(tool.getValue("function") instanceof JsonObject f)) {
                throw invalid("'" + where + ".function' must be an object with a 'name'", where + ".function");
            }
            String name = f.getValue("name") instanceof String s ? s : null;
            if (name == null || !NAME.matcher(name).matches()) {
                throw invalid("'" + where + ".function.name' must be 1 to 64 letters, digits, '_' or '-'",
                        where + ".function.name");
            }
            if (!names.add(name)) {
                throw invalid("'tools' offers the function '" + name + "' twice; names must be unique",
                        where + ".function.name");
            }
            Object description = f.getValue("description");
            if (description != null && (!(description instanceof String d) || d.length() > MAX_DESCRIPTION)) {
                throw invalid("'" + where + ".function.description' must be a string of at most " + MAX_DESCRIPTION
                        + " characters", where + ".function.description");
            }
            Object parameters = f.getValue("parameters");
            if (parameters != null && !(parameters instanceof JsonObject)) {
                throw invalid("'" + where + ".function.parameters' must be a JSON Schema object", where + ".function.parameters");
            }
            Object strict = f.getValue("strict");
            if (strict != null && !(strict instanceof Boolean)) {
                throw invalid("'" + where + ".function.strict' must be a boolean", where + ".function.strict");
            }
            out.add(PlainJson.map(tool));
        }
        return out;
    }

    private static String namedFunction(JsonObject o) {
        if (!"function".equals(o.getValue("type")) || !(o.getValue("function") instanceof JsonObject f)
                || !(f.getValue("name") instanceof String name)) {
            throw invalid("'tool_choice' as an object must be {\"type\": \"function\", \"function\": {\"name\": ...}}",
                    "tool_choice");
        }
        return name;
    }

    static ApiException invalid(String message, String param) {
        return new ApiException(ApiError.invalid(message, param));
    }
}
