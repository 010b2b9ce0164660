package dev.quill.server.toolcall;

import dev.quill.model.grammar.Grammar;
import dev.quill.model.grammar.JsonSchemaCompiler;
import dev.quill.model.grammar.UnsupportedSchemaException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The grammar of a forced answer ({@code tool_choice} required or named): a call
 * {@code {"name": <const>, "arguments": <the function's parameters schema>}}, for required any
 * of the offered functions, and with {@code parallel_tool_calls} (required only) an array of 1 to
 * {@value #MAX_PARALLEL} such calls. The functions' {@code $defs} move to the root, where their
 * {@code $ref}s point; two functions defining one name differently are refused.
 */
final class ToolGrammar {

    /** Calls one forced answer may hold. */
    static final int MAX_PARALLEL = 8;

    private ToolGrammar() {
    }

    /** The grammar, compiled once at the first {@code get} (by whichever thread asks first). */
    static Supplier<Grammar> lazy(List<Map<String, Object>> tools, String function, boolean parallel) {
        return new Supplier<>() {
            private Grammar grammar;

            @Override
            public synchronized Grammar get() {
                if (grammar == null) {
                    grammar = of(tools, function, parallel);
                }
                return grammar;
            }
        };
    }

    static Grammar of(List<Map<String, Object>> tools, String function, boolean parallel) {
        JsonObject defs = new JsonObject(); // "$defs" and "definitions", gathered from every function
        JsonArray calls = new JsonArray();
        for (int i = 0; i < tools.size(); i++) {
            JsonObject f = new JsonObject(tools.get(i)).getJsonObject("function");
            String name = f.getString("name");
            if (function == null || function.equals(name)) {
                calls.add(call(name, parameters(f, defs, "tools[" + i + "].function.parameters")));
            }
        }
        JsonObject schema = function != null || calls.size() == 1 ? calls.getJsonObject(0)
                : new JsonObject().put("anyOf", calls);
        if (parallel && function == null) {
            schema = new JsonObject().put("type", "array").put("items", schema)
                    .put("minItems", 1).put("maxItems", MAX_PARALLEL);
        }
        if (!defs.isEmpty()) {
            schema = schema.copy();
            for (String key : defs.fieldNames()) { // refs read #/$defs/... or #/definitions/...: both at the root
                schema.put(key, defs.getValue(key));
            }
        }
        try {
            return JsonSchemaCompiler.compile(schema.encode());
        } catch (UnsupportedSchemaException e) {
            throw ToolRequests.invalid(culprit(tools) + e.getMessage(), culprit(tools).isEmpty() ? "tools"
                    : culprit(tools).substring(1, culprit(tools).indexOf("' ")));
        }
    }

    /** Which tool's parameters the compiler refused ("'tools[i].function.parameters' "), or "" when none alone. */
    private static String culprit(List<Map<String, Object>> tools) {
        for (int i = 0; i < tools.size(); i++) {
            Object p = new JsonObject(tools.get(i)).getJsonObject("function").getValue("parameters");
            if (p instanceof JsonObject schema) {
                try {
                    JsonSchemaCompiler.compile(schema.encode());
                } catch (UnsupportedSchemaException e) {
                    return "'tools[" + i + "].function.parameters' ";
                }
            }
        }
        return "";
    }

    private static JsonObject call(String name, JsonObject parameters) {
        return new JsonObject().put("type", "object")
                .put("properties", new JsonObject().put("name", new JsonObject().put("const", name))
                        .put("arguments", parameters))
                .put("required", new JsonArray().add("name").add("arguments"))
                .put("additionalProperties", false);
    }

    /** The parameters schema, its definitions moved into {@code defs} by keyword; none: an object with no properties. */
    private static JsonObject parameters(JsonObject f, JsonObject defs, String where) {
        JsonObject p = f.getJsonObject("parameters");
        if (p == null) {
            return new JsonObject().put("type", "object").put("properties", new JsonObject())
                    .put("additionalProperties", false);
        }
        p = p.copy();
        for (String key : List.of("$defs", "definitions")) {
            Object own = p.remove(key);
            if (own == null) {
                continue;
            }
            if (!(own instanceof JsonObject ownDefs)) {
                throw ToolRequests.invalid("'" + where + "." + key + "' must be an object", where);
            }
            JsonObject root = defs.getJsonObject(key);
            if (root == null) {
                defs.put(key, root = new JsonObject());
            }
            for (String def : ownDefs.fieldNames()) {
                Object earlier = root.getValue(def);
                if (earlier != null && !earlier.equals(ownDefs.getValue(def))) {
                    throw ToolRequests.invalid("two tools define '" + def + "' differently; a forced call needs "
                            + "distinct definition names across tools", where + "." + key);
                }
                root.put(def, ownDefs.getValue(def));
            }
        }
        return p;
    }
}
