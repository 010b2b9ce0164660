package dev.quill.model.grammar;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rule of one object schema: its declared properties in order, each required one present and
 * each optional one skippable, with commas only between the members actually written.
 *
 * <p>Two states stand before property i: "nothing written yet" ({@code first[i]}) and "a member
 * written" ({@code rest[i]}, which needs a comma first). Both lead into one shared copy of the
 * member, so a property's value is compiled once. With no properties the object is any object
 * ({@code additionalProperties} absent or true), {@code {}} (false), or a map whose values follow
 * the {@code additionalProperties} schema.
 */
final class ObjectShape {
    private final JsonSchemaCompiler compiler;
    private final JsonLexicon lex;
    private final Grammar.Builder g;
    private final JsonObject s;
    private final String path;

    ObjectShape(JsonSchemaCompiler compiler, JsonLexicon lex, JsonObject s, String path) {
        this.compiler = compiler;
        this.lex = lex;
        this.g = lex.builder();
        this.s = s;
        this.path = path;
    }

    /** Builds the rule from {@code start} (the state before the opening brace). */
    void build(int start) {
        JsonObject properties = properties();
        Set<String> required = required(properties);
        JsonElement additional = s.get("additionalProperties");
        boolean schemaForAdditional = additional != null && additional.isJsonObject();
        if (properties.isEmpty()) {
            if (schemaForAdditional) {
                map(start, additional);
            } else if (additional != null && additional.isJsonPrimitive() && !additional.getAsBoolean()) {
                g.end(lex.literal(lex.whitespace(lex.literal(start, "{")), "}"));
            } else {
                g.end(lex.call(start, lex.anyObjectRule()));
            }
            return;
        }
        if (schemaForAdditional) {
            throw new UnsupportedSchemaException("additionalProperties", path,
                    "as a schema is supported only for an object without properties (a map)");
        }
        members(start, properties, required);
    }

    private void members(int start, JsonObject properties, Set<String> required) {
        List<Map.Entry<String, JsonElement>> props = new ArrayList<>(properties.entrySet());
        int n = props.size();
        int[] first = new int[n + 1];
        int[] rest = new int[n + 1];
        for (int i = 0; i <= n; i++) {
            first[i] = g.state();
            rest[i] = g.state();
        }
        g.epsilon(lex.whitespace(lex.literal(start, "{")), first[0]);
        for (int i = 0; i < n; i++) {
            String name = props.get(i).getKey();
            int key = g.state();
            g.epsilon(first[i], key);
            g.epsilon(lex.whitespace(lex.literal(rest[i], ",")), key);
            int colon = lex.whitespace(lex.literal(lex.whitespace(lex.literal(key, new JsonPrimitive(name).toString())), ":"));
            int value = compiler.compileValue(colon, props.get(i).getValue(), path + "/properties/" + escape(name));
            g.epsilon(lex.whitespace(value), rest[i + 1]);
            if (!required.contains(name)) {
                g.epsilon(first[i], first[i + 1]);
                g.epsilon(rest[i], rest[i + 1]);
            }
        }
        int close = g.state();
        g.epsilon(first[n], close);
        g.epsilon(rest[n], close);
        g.end(lex.literal(close, "}"));
    }

    /** {@code {"k": v, ...}} with any string keys and values that follow {@code valueSchema}. */
    private void map(int start, JsonElement valueSchema) {
        int open = lex.whitespace(lex.literal(start, "{"));
        int member = g.state();
        g.epsilon(open, member);
        int colon = lex.whitespace(lex.literal(lex.whitespace(lex.call(member, lex.stringRule())), ":"));
        int after = lex.whitespace(compiler.compileValue(colon, valueSchema, path + "/additionalProperties"));
        g.epsilon(lex.whitespace(lex.literal(after, ",")), member);
        int close = g.state();
        g.epsilon(open, close);
        g.epsilon(after, close);
        g.end(lex.literal(close, "}"));
    }

    private JsonObject properties() {
        JsonElement p = s.get("properties");
        if (p == null) {
            return new JsonObject();
        }
        if (!p.isJsonObject()) {
            throw new UnsupportedSchemaException("properties", path, "must be an object, got " + p);
        }
        return p.getAsJsonObject();
    }

    private Set<String> required(JsonObject properties) {
        Set<String> out = new LinkedHashSet<>();
        if (!s.has("required")) {
            return out;
        }
        JsonArray names = JsonSchemaCompiler.array(s, "required", path);
        for (JsonElement e : names) {
            if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
                throw new UnsupportedSchemaException("required", path, "must list property names, got " + e);
            }
            if (!properties.has(e.getAsString())) {
                throw new UnsupportedSchemaException("required", path,
                        "names '" + e.getAsString() + "', which properties does not declare");
            }
            out.add(e.getAsString());
        }
        return out;
    }

    private static String escape(String name) {
        return name.replace("~", "~0").replace("/", "~1");
    }
}
